package io.kayak.broker.http.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kayak.broker.KayakServer;
import io.kayak.broker.group.CoordinatorPlacement;
import io.kayak.broker.http.HttpReplies;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.CommittedOffset;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.GroupImage;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.metadata.TopicImage;
import io.kayak.metadata.TopicPartition;
import io.kayak.metadata.quorum.QuorumStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The web console's JSON views, all {@code GET} and read-only (the admin actions are {@link ConsoleAdminActions}):
 * <ul>
 *   <li>{@code /api/cluster}: brokers (alive or fenced), the metadata quorum (leader, term, voters and their lag) and
 *       every node's traffic counters (the console draws throughput from their differences);</li>
 *   <li>{@code /api/topics}: topics with each partition's leader, replicas, ISR, log start and end and size on disk;</li>
 *   <li>{@code /api/groups}: consumer groups with state, members and per partition the committed offset, log end,
 *       lag in records and seconds, and owner;</li>
 *   <li>{@code /api/local}: this node's own part ({@link LocalStatus}).</li>
 * </ul>
 * The cluster-wide views read the metadata image here and ask every unfenced broker for its {@code /api/local}
 * (at its registered {@link io.kayak.broker.http.AdminEndpoints#HTTP_LISTENER} endpoint, in parallel, at most {@link #PEER_TIMEOUT_MS}
 * each): offsets and sizes live with the replicas, lag with the leaders, live group state with the coordinators. A
 * node that does not answer is listed as unreachable and its part is missing, never waited for longer.
 *
 * <p>Thread-safe. Owns the HTTP client's threads; {@link #close} stops them.
 */
public final class ConsoleApi implements HttpHandler, AutoCloseable {
    /** The longest a view (or an admin action, for the leaders' offsets) waits for another node's part, or for the quorum status. */
    public static final long PEER_TIMEOUT_MS = 2_000;
    private static final int PEER_THREADS = 2;

    private final NodeSources node;
    private final LocalStatus local;
    private final ExecutorService executor;
    /** The quorum status asks the voters over gRPC; on its own thread, so a stuck call holds up nothing else. */
    private final ExecutorService statusExecutor;
    private final HttpClient client;

    public ConsoleApi(NodeSources node) {
        this.node = node;
        this.local = new LocalStatus(node);
        this.executor = Executors.newFixedThreadPool(PEER_THREADS, r -> {
            Thread t = new Thread(r, "kayak-node-" + node.nodeId() + "-console");
            t.setDaemon(true);
            return t;
        });
        this.statusExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kayak-node-" + node.nodeId() + "-console-quorum");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofMillis(PEER_TIMEOUT_MS)).build();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Object body;
        try {
            body = switch (path) {
                case "/api/local" -> local.build();
                case "/api/cluster" -> cluster();
                case "/api/topics" -> topics(peers());
                case "/api/groups" -> groups(peers());
                default -> null;
            };
        } catch (RuntimeException e) {
            HttpReplies.error(exchange, 503, "view unavailable: " + e.getMessage());
            return;
        }
        if (body == null) {
            HttpReplies.error(exchange, 404, "no such endpoint: " + path);
            return;
        }
        HttpReplies.json(exchange, 200, body);
    }

    // ---- the views ----

    private Map<String, Object> cluster() {
        MetadataImage img = node.metadata().image();
        Map<Integer, Map<String, Object>> parts = peers();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clusterId", node.clusterId());
        out.put("servedBy", node.nodeId());
        out.put("consoleAdminEnabled", node.adminEnabled());
        out.put("readOnly", !node.adminEnabled());
        out.put("adminActions", node.adminEnabled() ? ConsoleAdminActions.ACTIONS.stream()
                .map(a -> ConsoleAdminActions.PATH + a).toList() : List.of());
        out.put("quorum", quorum());
        List<Map<String, Object>> brokers = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (BrokerRegistration b : img.brokers().values().stream().sorted(Comparator.comparingInt(BrokerRegistration::nodeId)).toList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("nodeId", b.nodeId());
            m.put("fenced", b.fenced());
            m.put("alive", !b.fenced());
            m.put("rack", b.rack());
            m.put("endpoints", b.endpoints().stream().map(Endpoint::toString).toList());
            m.put("leaseExpiresInMs", b.leaseExpiryMs() - now);
            Map<String, Object> part = parts.get(b.nodeId());
            m.put("reachable", part != null);
            m.put("counters", part == null ? null : part.get("counters"));
            brokers.add(m);
        }
        out.put("brokers", brokers);
        return out;
    }

    private Map<String, Object> quorum() {
        Map<String, Object> q = new LinkedHashMap<>();
        try {
            QuorumStatus s = CompletableFuture.supplyAsync(() -> {
                try {
                    return node.metadata().status();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, statusExecutor).get(PEER_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            q.put("leaderId", s.leaderId());
            q.put("term", s.term());
            q.put("commitIndex", s.commitIndex());
            List<Map<String, Object>> voters = new ArrayList<>();
            for (QuorumStatus.VoterStatus v : s.voters()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("nodeId", v.nodeId());
                m.put("role", v.role());
                m.put("lastLogIndex", v.lastLogIndex());
                m.put("lag", v.lag());
                m.put("lastContactMs", v.lastContactMs());
                voters.add(m);
            }
            q.put("voters", voters);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            q.put("error", "quorum status unavailable: " + e);
            try {
                q.put("leaderId", node.metadata().leaderId());
            } catch (IOException | RuntimeException ignored) {
                q.put("leaderId", -1);
            }
        }
        return q;
    }

    private List<Map<String, Object>> topics(Map<Integer, Map<String, Object>> parts) {
        MetadataImage img = node.metadata().image();
        Map<TopicPartition, Map<String, Object>> best = new HashMap<>();
        for (Map<String, Object> part : parts.values()) {
            for (Map<String, Object> p : list(part.get("partitions"))) {
                TopicPartition tp = new TopicPartition((String) p.get("topic"), ((Number) p.get("partition")).intValue());
                Map<String, Object> before = best.get(tp);
                if (before == null || Boolean.TRUE.equals(p.get("leader")) && !Boolean.TRUE.equals(before.get("leader"))) {
                    best.put(tp, p);
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (TopicImage t : img.topics().values().stream().sorted(Comparator.comparing(TopicImage::name)).toList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("topicId", t.topicId().toString());
            List<Map<String, Object>> partitions = new ArrayList<>();
            for (PartitionImage p : t.partitions()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("partition", p.partition());
                pm.put("leader", p.leader());
                pm.put("leaderEpoch", p.leaderEpoch());
                pm.put("replicas", p.replicas());
                pm.put("isr", p.isr());
                Map<String, Object> stats = best.get(new TopicPartition(t.name(), p.partition()));
                pm.put("logStartOffset", stats == null ? null : stats.get("logStartOffset"));
                pm.put("logEndOffset", stats == null ? null
                        : stats.getOrDefault("highWatermark", stats.get("logEndOffset")));
                pm.put("sizeBytes", stats == null ? null : stats.get("sizeBytes"));
                partitions.add(pm);
            }
            m.put("partitions", partitions);
            out.add(m);
        }
        return out;
    }

    private List<Map<String, Object>> groups(Map<Integer, Map<String, Object>> parts) {
        MetadataImage img = node.metadata().image();
        Map<String, Map<String, Object>> live = new HashMap<>();
        Map<String, Map<String, Object>> lag = new HashMap<>();
        for (Map<String, Object> part : parts.values()) {
            for (Map<String, Object> g : list(part.get("groups"))) {
                live.put((String) g.get("groupId"), g);
            }
            for (Map<String, Object> r : list(part.get("lag"))) {
                lag.put(r.get("group") + "\u0000" + r.get("topic") + "-" + r.get("partition"), r);
            }
        }
        Set<String> ids = new TreeSet<>(img.groups().keySet());
        ids.addAll(img.offsets().keySet());
        ids.addAll(live.keySet());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String id : ids) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("groupId", id);
            g.put("coordinator", CoordinatorPlacement.coordinator(img, id));
            Map<String, Object> l = live.get(id);
            List<Map<String, Object>> members = l == null ? recordedMembers(img, id) : list(l.get("members"));
            g.put("state", l == null ? (members.isEmpty() ? "Empty" : "Unknown") : l.get("state"));
            g.put("members", members);
            Map<String, String> owners = new HashMap<>();
            for (Map<String, Object> m : members) {
                for (Object tp : (List<?>) m.getOrDefault("assignment", List.of())) {
                    owners.put((String) tp, m.get("clientId") + " (" + m.get("clientHost") + ")");
                }
            }
            List<Map<String, Object>> partitions = new ArrayList<>();
            long totalLag = 0;
            for (CommittedOffset o : img.offsets(id).values().stream()
                    .sorted(Comparator.comparing(CommittedOffset::topic).thenComparingInt(CommittedOffset::partition)).toList()) {
                String key = o.topic() + "-" + o.partition();
                Map<String, Object> r = lag.get(id + "\u0000" + key);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("topic", o.topic());
                p.put("partition", o.partition());
                p.put("committedOffset", o.offset());
                p.put("logEndOffset", r == null ? null : r.get("logEndOffset"));
                p.put("lagRecords", r == null ? null : r.get("recordsBehind"));
                p.put("lagSeconds", r == null ? null : r.get("secondsBehind"));
                p.put("owner", owners.get(key));
                partitions.add(p);
                totalLag += r == null ? 0 : ((Number) r.get("recordsBehind")).longValue();
            }
            g.put("partitions", partitions);
            g.put("lagRecords", totalLag);
            out.add(g);
        }
        return out;
    }

    private static List<Map<String, Object>> recordedMembers(MetadataImage img, String groupId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (GroupImage.Member m : img.group(groupId).map(GroupImage::members).orElse(List.of())) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("memberId", m.memberId());
            mm.put("clientId", m.clientId());
            mm.put("clientHost", m.clientHost());
            mm.put("assignment", LocalStatus.assignment(m.assignment()));
            out.add(mm);
        }
        return out;
    }

    // ---- other nodes ----

    /** Every node's own part ({@code /api/local}) by node id, as the views merge them; for the admin actions. */
    Map<Integer, Map<String, Object>> nodeParts() {
        return peers();
    }

    /** Every unfenced broker's part by node id, this node's computed here; nodes that did not answer are absent. */
    private Map<Integer, Map<String, Object>> peers() {
        MetadataImage img = node.metadata().image();
        Map<Integer, CompletableFuture<Map<String, Object>>> asked = new HashMap<>();
        for (BrokerRegistration b : img.brokers().values()) {
            if (b.fenced() || b.nodeId() == node.nodeId()) {
                continue;
            }
            b.endpoints().stream().filter(e -> e.listener().equals(io.kayak.broker.http.AdminEndpoints.HTTP_LISTENER)).findFirst()
                    .ifPresent(e -> asked.put(b.nodeId(), ask(e)));
        }
        Map<Integer, Map<String, Object>> out = new HashMap<>();
        out.put(node.nodeId(), local.build());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PEER_TIMEOUT_MS);
        for (Map.Entry<Integer, CompletableFuture<Map<String, Object>>> e : asked.entrySet()) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                out.put(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (Exception failed) {
                if (failed instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                e.getValue().cancel(true); // unreachable or slow: its part is missing from this view
            }
        }
        return out;
    }

    private CompletableFuture<Map<String, Object>> ask(Endpoint e) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + e.host() + ":" + e.port() + "/api/local"))
                .timeout(Duration.ofMillis(PEER_TIMEOUT_MS)).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("node answered " + r.statusCode());
            }
            try {
                return HttpReplies.parseObject(r.body());
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        statusExecutor.shutdownNow();
    }
}
