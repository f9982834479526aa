package io.kayak.broker.http.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kayak.broker.http.AdminEndpoints;
import io.kayak.broker.http.HttpReplies;
import io.kayak.broker.metrics.ObservabilityConfig;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.CommittedOffset;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.TopicImage;
import io.kayak.network.service.ElectionResult;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.TopicService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's admin actions, {@code POST /api/admin/...}, served only while
 * {@value ObservabilityConfig#CONSOLE_ADMIN_ENABLE} is true (else every one is 403 and nothing is read or changed):
 * <ul>
 *   <li>{@code topics/create?name=T[&partitions=N][&replicationFactor=R]} (the node's defaults when omitted);</li>
 *   <li>{@code topics/delete?name=T};</li>
 *   <li>{@code groups/reset-offsets?group=G[&topic=T]&to=earliest|latest}: every partition of {@code T}, or every
 *       partition {@code G} committed; refused (409) while the group has members, as {@code kayak-admin.sh groups
 *       reset-offsets} is;</li>
 *   <li>{@code partitions/elect-preferred?topic=T[&partition=P]}.</li>
 * </ul>
 * Each goes through the service the Kafka API of the same meaning uses, so the console can do nothing a Kafka admin
 * client could not, with the same checks: {@link TopicService} (CreateTopics, DeleteTopics), {@link GroupService}
 * (OffsetCommit with no member and generation -1, as AdminClient.alterConsumerGroupOffsets sends it) and
 * {@link io.kayak.network.service.PartitionService#electPreferred} (ElectLeaders). A group's offsets can only be
 * committed by its coordinator, so a reset asked of another node is forwarded once to the coordinator's HTTP port
 * (marked by {@link #FORWARDED_HEADER}); the new offsets are the log start or high watermark reported by each
 * partition's leader ({@code /api/local}, what ListOffsets answers there).
 *
 * <p>Answers: 200 with what was done; 400 for bad parameters; 403 while disabled; 404 for an unknown topic, group or
 * action; 409 when the component refuses (its message in {@code error}); 503 when the quorum, a leader or the
 * coordinator cannot be reached in time. Never 5xx for bad input.
 *
 * <p>Thread model: the HTTP worker only hands the action to {@link #executor} ({@link #THREADS} threads, at most
 * {@link #QUEUE} waiting, then 503), where it waits at most {@link #ACTION_TIMEOUT_MS} for each service. Owns the
 * executor and the forwarding client; {@link #close} stops them.
 */
public final class ConsoleAdminActions implements HttpHandler, AutoCloseable {
    public static final String PATH = "/api/admin/";
    public static final List<String> ACTIONS = List.of("topics/create", "topics/delete", "groups/reset-offsets",
            "partitions/elect-preferred");
    /** The longest an action waits for one service (a quorum proposal, a leadership transfer, the coordinator). */
    public static final long ACTION_TIMEOUT_MS = 30_000;
    static final String FORWARDED_HEADER = "X-Kayak-Forwarded-By";
    static final int THREADS = 2;
    static final int QUEUE = 16;
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAdminActions.class);

    private final NodeSources node;
    private final ConsoleApi views;
    private final ExecutorService executor;
    private final ExecutorService clientExecutor;
    private final HttpClient client;

    /** @param views the console's views, for each node's part (the leaders' offsets) */
    public ConsoleAdminActions(NodeSources node, ConsoleApi views) {
        this.node = node;
        this.views = views;
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "kayak-node-" + node.nodeId() + "-console-admin");
            t.setDaemon(true);
            return t;
        });
        this.clientExecutor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kayak-node-" + node.nodeId() + "-console-admin-forward");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().executor(clientExecutor)
                .connectTimeout(Duration.ofMillis(ConsoleApi.PEER_TIMEOUT_MS)).build();
    }

    /** A refusal or failure with its HTTP status, thrown by an action and answered as {@code {"error":...}}. */
    static final class ActionException extends RuntimeException {
        final int status;

        ActionException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** An action's answer. */
    record Reply(int status, Object body) {
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String action = exchange.getRequestURI().getPath().substring(PATH.length());
        if (!node.adminEnabled()) {
            try (exchange) {
                HttpReplies.error(exchange, 403, "the console's admin actions are disabled on node " + node.nodeId()
                        + " (" + ObservabilityConfig.CONSOLE_ADMIN_ENABLE + "=false); nothing was changed");
            }
            return;
        }
        if (!ACTIONS.contains(action)) {
            try (exchange) {
                HttpReplies.error(exchange, 404, "no such admin action: " + action + " (there are " + ACTIONS + ")");
            }
            return;
        }
        try {
            executor.execute(() -> run(exchange, action));
        } catch (RejectedExecutionException e) {
            try (exchange) {
                HttpReplies.error(exchange, 503, "node " + node.nodeId() + " is busy with other admin actions; try again");
            }
        }
    }

    private void run(HttpExchange exchange, String action) {
        try (exchange) {
            Reply reply;
            try {
                Map<String, String> q = AdminEndpoints.query(exchange);
                reply = switch (action) {
                    case "topics/create" -> createTopic(q);
                    case "topics/delete" -> deleteTopic(q);
                    case "groups/reset-offsets" -> resetOffsets(exchange, q);
                    case "partitions/elect-preferred" -> electPreferred(q);
                    default -> throw new ActionException(404, "no such admin action: " + action);
                };
            } catch (ActionException e) {
                reply = new Reply(e.status, Map.of("error", e.getMessage()));
            } catch (IllegalArgumentException e) { // a malformed query string
                reply = new Reply(400, Map.of("error", String.valueOf(e.getMessage())));
            } catch (RuntimeException e) {
                LOG.warn("Console admin action {} failed", exchange.getRequestURI(), e);
                reply = new Reply(503, Map.of("error", action + " failed: " + e));
            }
            if (reply.status() == 200) {
                LOG.info("Console admin action {} on node {} done", exchange.getRequestURI(), node.nodeId());
            }
            if (reply.body() instanceof byte[] raw) { // forwarded: the coordinator's answer as it came
                HttpReplies.send(exchange, reply.status(), "application/json", raw);
            } else {
                HttpReplies.json(exchange, reply.status(), reply.body());
            }
        } catch (IOException e) {
            LOG.info("Could not answer {}: {}", exchange.getRequestURI(), e.toString());
        }
    }

    // ---- topics ----

    private Reply createTopic(Map<String, String> q) {
        String name = required(q, "name");
        int partitions = optionalInt(q, "partitions", -1, 1, 100_000);
        int replicationFactor = optionalInt(q, "replicationFactor", -1, 1, Short.MAX_VALUE);
        TopicService.TopicResult r = await(node.topics().create(name, partitions, replicationFactor, List.of(), Map.of(), false),
                "creating topic " + name);
        check(r);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("created", name);
        out.put("topicId", String.valueOf(r.topicId()));
        out.put("partitions", r.partitions());
        out.put("replicationFactor", r.replicationFactor());
        return new Reply(200, out);
    }

    private Reply deleteTopic(Map<String, String> q) {
        String name = required(q, "name");
        check(await(node.topics().delete(name), "deleting topic " + name));
        return new Reply(200, Map.of("deleted", name));
    }

    private static void check(TopicService.TopicResult r) {
        int status = switch (r.error()) {
            case NONE -> 200;
            case UNKNOWN_TOPIC -> 404;
            case TOPIC_ALREADY_EXISTS, TOPIC_DELETION_DISABLED -> 409;
            case TIMED_OUT -> 503;
            case INVALID_TOPIC, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG,
                 INVALID_REQUEST -> 400;
        };
        if (status != 200) {
            throw new ActionException(status, r.message() == null ? r.error().name() : r.message());
        }
    }

    // ---- partitions ----

    private Reply electPreferred(Map<String, String> q) {
        String topic = required(q, "topic");
        TopicImage t = node.metadata().image().topic(topic)
                .orElseThrow(() -> new ActionException(404, "topic " + topic + " does not exist"));
        int only = optionalInt(q, "partition", -1, 0, t.partitions().size() - 1);
        Map<Integer, CompletableFuture<ElectionResult>> asked = new LinkedHashMap<>();
        for (int p = 0; p < t.partitions().size(); p++) {
            if (only < 0 || p == only) {
                asked.put(p, node.partitions().electPreferred(new TopicPartition(topic, p), ACTION_TIMEOUT_MS));
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Integer> refused = new ArrayList<>();
        for (Map.Entry<Integer, CompletableFuture<ElectionResult>> e : asked.entrySet()) {
            ElectionResult r = await(e.getValue(), "electing the preferred leader of " + topic + "-" + e.getKey());
            if (r == ElectionResult.NOT_AVAILABLE || r == ElectionResult.UNKNOWN_PARTITION) {
                refused.add(e.getKey());
            }
            rows.add(Map.of("partition", e.getKey(), "result", r.name()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("topic", topic);
        out.put("partitions", rows);
        if (!refused.isEmpty()) {
            out.put("error", "the preferred replica could not take over partition(s) " + refused + " of " + topic
                    + " (not in the ISR, no leader to hand over, or the transfer was refused); the others are listed");
            return new Reply(409, out);
        }
        return new Reply(200, out);
    }

    // ---- groups ----

    private Reply resetOffsets(HttpExchange exchange, Map<String, String> q) {
        String group = required(q, "group");
        String to = required(q, "to");
        if (!to.equals("earliest") && !to.equals("latest")) {
            throw new ActionException(400, "to must be earliest or latest, not '" + to + "'");
        }
        String topic = q.get("topic");
        MetadataImage img = node.metadata().image();
        if (topic != null && img.topic(topic).isEmpty()) {
            throw new ActionException(404, "topic " + topic + " does not exist");
        }
        int coordinator = node.groups().coordinator(group);
        if (coordinator != node.nodeId()) {
            return forward(exchange, coordinator, "group " + group);
        }
        GroupService.GroupDescription d = node.groups().describe(group);
        if (d.error() != GroupError.NONE) {
            throw new ActionException(503, "node " + node.nodeId() + " cannot serve group " + group + " now: " + d.error());
        }
        if (!d.members().isEmpty()) {
            throw new ActionException(409, "group " + group + " is " + d.state() + " with " + d.members().size()
                    + " member(s); offsets can only be reset while it has none: stop its consumers (a consumer that"
                    + " closes leaves at once, one that died after its session timeout) and try again");
        }
        Map<io.kayak.metadata.TopicPartition, CommittedOffset> committed = img.offsets(group);
        List<TopicPartition> partitions = new ArrayList<>();
        if (topic != null) {
            for (int p = 0; p < img.topic(topic).orElseThrow().partitions().size(); p++) {
                partitions.add(new TopicPartition(topic, p));
            }
        } else {
            committed.keySet().forEach(tp -> partitions.add(new TopicPartition(tp.topic(), tp.partition())));
        }
        if (partitions.isEmpty()) {
            throw new ActionException(404, "group " + group + " has no committed offsets to reset; name the topic with topic=T");
        }
        partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        Map<TopicPartition, Long> targets = leaderOffsets(partitions, to.equals("earliest") ? "logStartOffset" : "highWatermark");
        Map<TopicPartition, GroupService.Offset> commit = new LinkedHashMap<>();
        targets.forEach((tp, o) -> commit.put(tp, new GroupService.Offset(o, -1, "")));
        Map<TopicPartition, GroupError> errors = await(node.groups().commit(new GroupService.CommitRequest(group, -1, "", null, commit)),
                "committing the new offsets of group " + group);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            GroupError e = errors.getOrDefault(tp, GroupError.NONE);
            if (e != GroupError.NONE) {
                throw commitRefused(group, tp, e);
            }
            CommittedOffset before = committed.get(new io.kayak.metadata.TopicPartition(tp.topic(), tp.partition()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", tp.topic());
            row.put("partition", tp.partition());
            row.put("previousOffset", before == null ? null : before.offset());
            row.put("newOffset", targets.get(tp));
            rows.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("group", group);
        out.put("to", to);
        out.put("coordinator", node.nodeId());
        out.put("partitions", rows);
        return new Reply(200, out);
    }

    private static ActionException commitRefused(String group, TopicPartition tp, GroupError e) {
        return switch (e) {
            case UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, NON_EMPTY_GROUP, FENCED_INSTANCE_ID ->
                    new ActionException(409, "group " + group + " gained members while its offsets were reset (" + e
                            + "); stop its consumers and try again");
            case UNKNOWN_TOPIC_OR_PARTITION -> new ActionException(404, tp + " no longer exists");
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, REQUEST_TIMED_OUT ->
                    new ActionException(503, "the coordinator of group " + group + " could not commit now (" + e + "); try again");
            default -> new ActionException(409, "committing " + tp + " for group " + group + " was refused: " + e);
        };
    }

    /**
     * The log start offset or high watermark of each partition as its leader reports it (every node's part of the
     * console views, asked in parallel with {@link ConsoleApi#PEER_TIMEOUT_MS}); 503 when a leader did not answer.
     */
    private Map<TopicPartition, Long> leaderOffsets(List<TopicPartition> partitions, String field) {
        Map<TopicPartition, Long> found = new LinkedHashMap<>();
        for (Map<String, Object> part : views.nodeParts().values()) {
            for (Map<String, Object> p : ConsoleApi.list(part.get("partitions"))) {
                if (Boolean.TRUE.equals(p.get("leader")) && p.get(field) instanceof Number n) {
                    found.put(new TopicPartition((String) p.get("topic"), ((Number) p.get("partition")).intValue()), n.longValue());
                }
            }
        }
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            Long o = found.get(tp);
            if (o == null) {
                throw new ActionException(503, "the leader of " + tp + " did not report its offsets (no leader, or it did not"
                        + " answer in " + ConsoleApi.PEER_TIMEOUT_MS + " ms); nothing was changed, try again");
            }
            out.put(tp, o);
        }
        return out;
    }

    /** Sends this request once to {@code target}'s HTTP port and answers what it answered. */
    private Reply forward(HttpExchange exchange, int target, String what) {
        String from = exchange.getRequestHeaders().getFirst(FORWARDED_HEADER);
        if (from != null) {
            throw new ActionException(503, "node " + from + " sent this here as the coordinator of " + what + ", but node "
                    + node.nodeId() + " sees node " + target + " coordinating it (the cluster is changing); try again");
        }
        if (target < 0) {
            throw new ActionException(503, "no live node coordinates " + what + " now; try again");
        }
        BrokerRegistration b = node.metadata().image().brokers().get(target);
        Optional<String> address = b == null ? Optional.empty() : AdminEndpoints.httpAddress(b);
        if (address.isEmpty()) {
            throw new ActionException(503, "node " + target + ", the coordinator of " + what + ", serves no HTTP port");
        }
        String query = exchange.getRequestURI().getRawQuery();
        URI uri = URI.create("http://" + address.get() + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(ACTION_TIMEOUT_MS))
                .header(FORWARDED_HEADER, String.valueOf(node.nodeId())).POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new ActionException(503, "node " + target + ", the coordinator of " + what + ", did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionException(503, "interrupted while asking node " + target);
        }
    }

    // ---- parameters and waiting ----

    private static String required(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            throw new ActionException(400, "give " + name + "=...");
        }
        return v;
    }

    /** {@code name} as an int in [min, max], or {@code absent} when not given. */
    private static int optionalInt(Map<String, String> q, String name, int absent, int min, int max) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return absent;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ActionException(400, name + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(ACTION_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ActionException(503, what + " did not finish in " + ACTION_TIMEOUT_MS + " ms; it may still happen");
        } catch (ExecutionException e) {
            throw new ActionException(503, what + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionException(503, what + " was interrupted");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        clientExecutor.shutdownNow();
    }
}
