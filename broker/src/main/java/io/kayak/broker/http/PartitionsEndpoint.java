package io.kayak.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kayak.broker.replica.RaftGroupStatus;
import io.kayak.broker.replica.ReplicaManager;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.metadata.TopicImage;
import io.kayak.metadata.TopicPartition;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /admin/partitions?topic=T}: a topic's partitions with each one's Raft group as this node's division
 * sees it ({@link RaftGroupStatus}; null where this node hosts no replica or it is not running yet), the leader,
 * epoch, replicas and ISR of the metadata image, and every node's HTTP admin address, so that a caller can ask
 * each partition's leader node, the only one that knows its followers' match indexes. 400 without a topic, 404
 * for an unknown topic. Called on the HTTP server's thread; reads lock-free snapshots.
 */
public final class PartitionsEndpoint implements HttpHandler {
    public static final String PATH = "/admin/partitions";

    private final int nodeId;
    private final Supplier<MetadataImage> images;
    private final Supplier<ReplicaManager> replicas;

    /** @param replicas the node's replica manager, null until it started */
    public PartitionsEndpoint(int nodeId, Supplier<MetadataImage> images, Supplier<ReplicaManager> replicas) {
        this.nodeId = nodeId;
        this.images = images;
        this.replicas = replicas;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String topic = AdminEndpoints.query(exchange).get("topic");
            if (topic == null || topic.isEmpty()) {
                AdminEndpoints.reply(exchange, 400, AdminEndpoints.error("give the topic: " + PATH + "?topic=NAME"));
                return;
            }
            MetadataImage image = images.get();
            Optional<TopicImage> t = image.topic(topic);
            if (t.isEmpty()) {
                AdminEndpoints.reply(exchange, 404, AdminEndpoints.error("topic " + topic + " does not exist"));
                return;
            }
            String body;
            try {
                body = json(image, t.get(), replicas.get());
            } catch (RuntimeException e) { // a division closing under the read
                AdminEndpoints.reply(exchange, 503, AdminEndpoints.error("partition status unavailable: " + e));
                return;
            }
            AdminEndpoints.reply(exchange, 200, body);
        }
    }

    private String json(MetadataImage image, TopicImage topic, ReplicaManager manager) {
        StringBuilder b = new StringBuilder();
        b.append("{\"topic\":").append(AdminHttpServer.quote(topic.name()))
                .append(",\"topicId\":").append(AdminHttpServer.quote(topic.topicId().toString()))
                .append(",\"nodeId\":").append(nodeId)
                .append(",\"httpEndpoints\":{");
        Map<Integer, String> http = new TreeMap<>();
        for (BrokerRegistration broker : image.brokers().values()) {
            AdminEndpoints.httpAddress(broker).ifPresent(a -> http.put(broker.nodeId(), a));
        }
        boolean first = true;
        for (Map.Entry<Integer, String> e : http.entrySet()) {
            b.append(first ? "" : ",").append('"').append(e.getKey()).append("\":").append(AdminHttpServer.quote(e.getValue()));
            first = false;
        }
        b.append("},\"partitions\":[");
        for (int i = 0; i < topic.partitions().size(); i++) {
            PartitionImage p = topic.partitions().get(i);
            Optional<RaftGroupStatus> raft = manager == null ? Optional.empty()
                    : manager.raftStatus(new TopicPartition(topic.name(), p.partition()));
            b.append(i == 0 ? "" : ",")
                    .append("{\"partition\":").append(p.partition())
                    .append(",\"leader\":").append(p.leader())
                    .append(",\"leaderEpoch\":").append(p.leaderEpoch())
                    .append(",\"replicas\":").append(ints(p.replicas()))
                    .append(",\"isr\":").append(ints(p.isr()))
                    .append(",\"quiesced\":").append(p.quiesced())
                    .append(",\"raft\":").append(raft.map(PartitionsEndpoint::raftJson).orElse("null"))
                    .append('}');
        }
        return b.append("]}").toString();
    }

    static String raftJson(RaftGroupStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("{\"nodeId\":").append(s.nodeId())
                .append(",\"role\":").append(AdminHttpServer.quote(s.role()))
                .append(",\"leaderId\":").append(s.leaderId())
                .append(",\"term\":").append(s.term())
                .append(",\"commitIndex\":").append(s.commitIndex())
                .append(",\"appliedIndex\":").append(s.appliedIndex())
                .append(",\"lastLogIndex\":").append(s.lastLogIndex())
                .append(",\"followers\":[");
        for (int i = 0; i < s.followers().size(); i++) {
            RaftGroupStatus.FollowerStatus f = s.followers().get(i);
            b.append(i == 0 ? "" : ",")
                    .append("{\"nodeId\":").append(f.nodeId())
                    .append(",\"matchIndex\":").append(f.matchIndex())
                    .append(",\"nextIndex\":").append(f.nextIndex())
                    .append(",\"lag\":").append(f.lag())
                    .append(",\"lastContactMs\":").append(f.lastContactMs())
                    .append('}');
        }
        return b.append("]}").toString();
    }

    private static String ints(List<Integer> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ",").append(values.get(i));
        }
        return b.append(']').toString();
    }
}
