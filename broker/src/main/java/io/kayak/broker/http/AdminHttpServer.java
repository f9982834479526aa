package io.kayak.broker.http;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.kayak.metadata.quorum.MetadataNode;
import io.kayak.metadata.quorum.QuorumStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The node's HTTP port ({@code kayak.http.port}), serving the Kayak-only admin views the Kafka protocol
 * has no API for. Endpoints:
 * <ul>
 *   <li>{@code GET /admin/quorum}: the metadata quorum (JSON), what {@code kayak-admin.sh quorum describe} prints;</li>
 *   <li>{@code GET /health}: 200 while the process serves.</li>
 * </ul>
 * Anything else is 404; other methods are 405. Other endpoints (metrics, readiness, the web console) are
 * {@link #route routed} to their own handler classes. Every request first passes the {@link RequestGuard}
 * (oversized URIs 414, methods other than GET 405). Uses the JDK's HTTP server on {@link #THREADS} worker threads.
 */
public final class AdminHttpServer implements AutoCloseable {
    /** Worker threads: a slow answer (a quorum status, a console fan-out) does not hold up a scrape or a probe. */
    public static final int THREADS = 4;
    private final HttpServer server;
    private final ExecutorService executor;

    public AdminHttpServer(String host, int port, String clusterId, MetadataNode metadata) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "kayak-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        HttpContext root = server.createContext("/", exchange -> {
            try (exchange) { // the RequestGuard below has refused other methods
                String path = exchange.getRequestURI().getPath();
                switch (path) {
                    case "/health" -> reply(exchange, 200, "{\"status\":\"ok\"}");
                    case "/admin/quorum" -> {
                        try {
                            reply(exchange, 200, quorumJson(clusterId, metadata.status()));
                        } catch (IOException | RuntimeException e) {
                            reply(exchange, 503, "{\"error\":" + quote("quorum status unavailable: " + e.getMessage()) + "}");
                        }
                    }
                    default -> reply(exchange, 404, "{\"error\":" + quote("no such endpoint: " + path) + "}");
                }
            }
        });
        root.getFilters().add(new RequestGuard());
        server.start();
    }

    /**
     * Serves {@code path} with {@code handler} for GET requests, behind the {@link RequestGuard}. The JDK matches
     * contexts by prefix: unless {@code prefix}, any other path under it (such as {@code /metricsx}) is answered 404.
     */
    public void route(String path, boolean prefix, HttpHandler handler) {
        route(path, prefix, "GET", handler);
    }

    /** As {@link #route(String, boolean, HttpHandler)}, for requests of {@code method} only (others are 405). */
    public void route(String path, boolean prefix, String method, HttpHandler handler) {
        HttpContext context = server.createContext(path, exchange -> {
            if (!prefix && !exchange.getRequestURI().getPath().equals(path)) {
                try (exchange) {
                    reply(exchange, 404, "{\"error\":" + quote("no such endpoint: " + exchange.getRequestURI().getPath()) + "}");
                }
                return;
            }
            handler.handle(exchange); // the handler answers and closes, possibly later from a thread of its own
        });
        context.getFilters().add(new RequestGuard(method));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    static String quorumJson(String clusterId, QuorumStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("{\"clusterId\":").append(quote(clusterId))
                .append(",\"leaderId\":").append(s.leaderId())
                .append(",\"term\":").append(s.term())
                .append(",\"commitIndex\":").append(s.commitIndex())
                .append(",\"voters\":[");
        for (int i = 0; i < s.voters().size(); i++) {
            QuorumStatus.VoterStatus v = s.voters().get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"nodeId\":").append(v.nodeId())
                    .append(",\"role\":").append(quote(v.role()))
                    .append(",\"lastLogIndex\":").append(v.lastLogIndex())
                    .append(",\"lag\":").append(v.lag())
                    .append(",\"lastContactMs\":").append(v.lastContactMs())
                    .append('}');
        }
        return b.append("]}").toString();
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
