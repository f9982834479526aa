package io.kayak.broker.http.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kayak.broker.http.HttpReplies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console's static files ({@code GET /console/}): plain HTML, JavaScript and CSS from the broker's
 * resources ({@code io/kayak/broker/console/}), no build step. Only the files named in {@link #FILES} are served,
 * read once at construction, so no path reaches the file system. The page reads {@link ConsoleApi}'s endpoints.
 */
public final class ConsoleHandler implements HttpHandler {
    public static final String PATH = "/console/";
    private static final Map<String, String> FILES = Map.of("index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8", "style.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> content;

    public ConsoleHandler() {
        Map<String, byte[]> c = new java.util.HashMap<>();
        for (String name : FILES.keySet()) {
            try (InputStream in = ConsoleHandler.class.getResourceAsStream("/io/kayak/broker/console/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the console file " + name + " is missing from the broker's jar");
                }
                c.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        content = Map.copyOf(c);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String name = path.equals("/console") || path.equals(PATH) ? "index.html"
                : path.startsWith(PATH) ? path.substring(PATH.length()) : "";
        byte[] body = content.get(name);
        if (body == null) {
            HttpReplies.error(exchange, 404, "no such console file: " + path);
            return;
        }
        HttpReplies.send(exchange, 200, FILES.get(name), body);
    }
}
