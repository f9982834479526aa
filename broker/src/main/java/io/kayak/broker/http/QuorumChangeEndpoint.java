package io.kayak.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kayak.metadata.quorum.MetadataNode;
import io.kayak.metadata.quorum.QuorumChangeRefusedException;
import io.kayak.metadata.quorum.QuorumMembership;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum changes of {@code kayak-admin.sh quorum}, as POST endpoints (Kayak serves no Kafka
 * AddRaftVoter/RemoveRaftVoter): {@code /admin/quorum/transfer-leader?to=N}, {@code /admin/quorum/add-voter?nodeId=N
 * &endpoint=HOST:PORT} and {@code /admin/quorum/remove-voter?nodeId=N}, each with an optional {@code timeoutMs}
 * (at most {@link #TIMEOUT_MAX_MS}). A change answers, once made, with the quorum as {@code GET /admin/quorum}
 * shows it; 400 for bad parameters, 409 when {@link QuorumMembership} refuses or another change is running, 503
 * when Ratis could not make it. It is routed for POST only: the {@link RequestGuard} answers other methods 405.
 *
 * <p>Changes can take long (a joining node catching up), so they run on one thread of their own, one at a time,
 * and the HTTP server's thread only hands them over. Closing stops that thread.
 */
public final class QuorumChangeEndpoint implements HttpHandler, AutoCloseable {
    public static final List<String> PATHS = List.of("/admin/quorum/transfer-leader", "/admin/quorum/add-voter",
            "/admin/quorum/remove-voter");
    /** Default time a change may take, catch-up of a joining node included. */
    static final long TIMEOUT_DEFAULT_MS = 60_000;
    static final long TIMEOUT_MAX_MS = 600_000;
    private static final Logger LOG = LoggerFactory.getLogger(QuorumChangeEndpoint.class);

    private final String clusterId;
    private final MetadataNode metadata;
    private final ExecutorService changes = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "kayak-quorum-change");
        t.setDaemon(true);
        return t;
    });

    public QuorumChangeEndpoint(String clusterId, MetadataNode metadata) {
        this.clusterId = clusterId;
        this.metadata = metadata;
    }

    /** A change, given its parameters; throws IllegalArgumentException for a bad one. */
    private interface Change {
        void run(QuorumMembership membership, Map<String, String> query, long timeoutMs) throws IOException;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Change change = switch (path) {
            case "/admin/quorum/transfer-leader" -> (m, q, t) -> m.transferLeadership(nodeId(q, "to"), t);
            case "/admin/quorum/add-voter" -> (m, q, t) -> m.addVoter(nodeId(q, "nodeId"), endpoint(q), t);
            case "/admin/quorum/remove-voter" -> (m, q, t) -> m.removeVoter(nodeId(q, "nodeId"), t);
            default -> null;
        };
        if (change == null) {
            try (exchange) {
                AdminEndpoints.reply(exchange, 404, AdminEndpoints.error("no such endpoint: " + path));
            }
            return;
        }
        try {
            changes.execute(() -> run(exchange, change));
        } catch (RejectedExecutionException e) {
            try (exchange) {
                AdminEndpoints.reply(exchange, 409, AdminEndpoints.error("another quorum change is in progress; try again when it is done"));
            }
        }
    }

    private void run(HttpExchange exchange, Change change) {
        try (exchange) {
            int status;
            String body;
            try {
                Map<String, String> query = AdminEndpoints.query(exchange);
                long timeoutMs = query.containsKey("timeoutMs") ? Long.parseLong(query.get("timeoutMs")) : TIMEOUT_DEFAULT_MS;
                if (timeoutMs < 1 || timeoutMs > TIMEOUT_MAX_MS) {
                    throw new IllegalArgumentException("timeoutMs must be between 1 and " + TIMEOUT_MAX_MS);
                }
                change.run(metadata.membership(), query, timeoutMs);
                status = 200;
                body = AdminHttpServer.quorumJson(clusterId, metadata.status());
            } catch (IllegalArgumentException e) {
                status = 400;
                body = AdminEndpoints.error(e.getMessage());
            } catch (QuorumChangeRefusedException e) {
                status = 409;
                body = AdminEndpoints.error(e.getMessage());
            } catch (IOException | RuntimeException e) {
                LOG.warn("Quorum change {} failed", exchange.getRequestURI(), e);
                status = 503;
                body = AdminEndpoints.error(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            AdminEndpoints.reply(exchange, status, body);
        } catch (IOException e) {
            LOG.info("Could not answer {}: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private static int nodeId(Map<String, String> query, String name) {
        String raw = query.get(name);
        if (raw == null) {
            throw new IllegalArgumentException("give the node id: " + name + "=N");
        }
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a node id, not '" + raw + "'");
        }
    }

    private static String endpoint(Map<String, String> query) {
        String raw = query.get("endpoint");
        if (raw == null || !raw.matches("[^:\\s]+:\\d{1,5}")) {
            throw new IllegalArgumentException("give the new voter's metadata address as endpoint=HOST:PORT (its"
                    + " kayak.metadata.listener.address), not '" + raw + "'");
        }
        return raw;
    }

    @Override
    public void close() {
        changes.shutdownNow();
    }
}
