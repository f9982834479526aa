package io.kayak.broker.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What every request to the node's HTTP port passes first: a request URI over {@link #MAX_URI_CHARS} is answered
 * 414, a method other than the route's (GET, or POST for the quorum changes and the
 * console's admin actions) 405 with an {@code Allow} header; a
 * request body is never read here. Handlers behind it may then assume a bounded URI. Immutable.
 */
public final class RequestGuard extends Filter {
    /** Longest request URI (path and query) served; browsers and scrapers stay far below. */
    public static final int MAX_URI_CHARS = 8_192;
    private final String method;

    /** A guard for GET routes. */
    public RequestGuard() {
        this("GET");
    }

    /** A guard for routes served to {@code method} requests only. */
    public RequestGuard(String method) {
        this.method = method;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (exchange.getRequestURI().toString().length() > MAX_URI_CHARS) {
            refuse(exchange, 414, "request URI longer than " + MAX_URI_CHARS + " characters");
            return;
        }
        if (!exchange.getRequestMethod().equals(method)) {
            exchange.getResponseHeaders().set("Allow", method);
            refuse(exchange, 405, "only " + method + " is supported");
            return;
        }
        chain.doFilter(exchange);
    }

    private static void refuse(HttpExchange exchange, int status, String message) throws IOException {
        try (exchange) {
            byte[] body = ("{\"error\":" + AdminHttpServer.quote(message) + "}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public String description() {
        return "refuses oversized URIs (414) and methods other than " + method + " (405)";
    }
}
