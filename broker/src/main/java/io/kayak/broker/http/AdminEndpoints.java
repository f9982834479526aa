package io.kayak.broker.http;

import com.sun.net.httpserver.HttpExchange;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the JSON admin endpoints added beside {@link AdminHttpServer}'s own share: how a node advertises its HTTP
 * port to the others (an endpoint named {@link #HTTP_LISTENER} in its broker registration, never shown to Kafka
 * clients, which see only their own listener), query-string parsing, and replies. Stateless.
 */
public final class AdminEndpoints {
    /** The listener name under which a node registers its HTTP admin port, so the CLI can find any node's. */
    public static final String HTTP_LISTENER = "KAYAK_HTTP";

    private AdminEndpoints() {
    }

    /** The HTTP admin address ({@code host:port}) a broker registered, if it serves one. */
    public static Optional<String> httpAddress(BrokerRegistration broker) {
        return broker.endpoints().stream().filter(e -> e.listener().equals(HTTP_LISTENER)).findFirst()
                .map(e -> e.host() + ":" + e.port());
    }

    /** The registration endpoint for an HTTP admin port. */
    public static Endpoint httpEndpoint(String host, int port) {
        return new Endpoint(HTTP_LISTENER, host, port);
    }

    /** The decoded query parameters of a request; the last value wins for a repeated name. */
    public static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** {@code {"error":message}}. */
    static String error(String message) {
        return "{\"error\":" + AdminHttpServer.quote(message) + "}";
    }

    static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
