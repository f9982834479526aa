package io.kayak.broker.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing a whole answer to an exchange: bytes with a content type, or a value as JSON (Jackson). Stateless. */
public final class HttpReplies {
    /** Configured once here and never changed: Jackson's mapper is thread-safe in that case. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpReplies() {
    }

    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public static void json(HttpExchange exchange, int status, Object value) throws IOException {
        send(exchange, status, "application/json", toJson(value).getBytes(StandardCharsets.UTF_8));
    }

    public static void error(HttpExchange exchange, int status, String message) throws IOException {
        json(exchange, status, Map.of("error", message));
    }

    /** A JSON object read into maps, lists, strings, numbers and booleans. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String json) throws IOException {
        return JSON.readValue(json, Map.class);
    }

    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot render " + value.getClass().getName() + " as JSON", e);
        }
    }
}
