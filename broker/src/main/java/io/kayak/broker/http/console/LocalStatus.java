package io.kayak.broker.http.console;

import com.codahale.metrics.Metric;
import com.codahale.metrics.Metered;
import io.kayak.broker.lag.ConsumerLag;
import io.kayak.broker.replica.ReplicaManager;
import io.kayak.broker.replica.ReplicatedPartitionService;
import io.kayak.log.PartitionLog;
import io.kayak.metadata.TopicPartition;
import io.kayak.network.service.GroupService;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/**
 * This node's own part of the console's views ({@code GET /api/local}), which only this node can know: the
 * replicas it hosts with their offsets and size on disk, the consumer lag of the partitions it leads, the live
 * state and members of the groups it coordinates, and its traffic counters. The console's cluster-wide views merge
 * every node's part ({@link ConsoleApi}). Plain maps and lists, rendered as JSON. Stateless; thread-safe.
 */
final class LocalStatus {
    private final NodeSources node;

    LocalStatus(NodeSources node) {
        this.node = node;
    }

    Map<String, Object> build() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("nodeId", node.nodeId());
        out.put("partitions", partitions());
        out.put("lag", node.lag().compute().stream().map(LocalStatus::lagRow).toList());
        out.put("groups", groups());
        out.put("counters", counters());
        return out;
    }

    private List<Map<String, Object>> partitions() {
        ReplicaManager m = node.replicas().get();
        List<Map<String, Object>> out = new ArrayList<>();
        if (m == null) {
            return out;
        }
        for (TopicPartition tp : m.hostedPartitions()) {
            Optional<PartitionLog> log = m.log(tp);
            if (log.isEmpty()) {
                continue;
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("topic", tp.topic());
            p.put("partition", tp.partition());
            boolean leader = m.isLeader(tp);
            p.put("leader", leader);
            try {
                p.put("logStartOffset", log.get().logStartOffset());
                p.put("logEndOffset", log.get().logEndOffset());
                p.put("sizeBytes", log.get().sizeInBytes());
                if (leader) {
                    node.partitions().leaderPosition(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition()), 0)
                            .map(ReplicatedPartitionService.LeaderPosition::highWatermark)
                            .ifPresent(hw -> p.put("highWatermark", hw));
                }
            } catch (RuntimeException e) {
                p.put("error", "log unavailable: " + e.getMessage());
            }
            out.add(p);
        }
        return out;
    }

    private List<Map<String, Object>> groups() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (GroupService.GroupOverview o : node.groups().listGroups()) {
            GroupService.GroupDescription d = node.groups().describe(o.groupId());
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("groupId", o.groupId());
            g.put("state", d.state());
            g.put("protocol", d.protocol());
            List<Map<String, Object>> members = new ArrayList<>();
            for (GroupService.MemberDescription md : d.members()) {
                Map<String, Object> mm = new LinkedHashMap<>();
                mm.put("memberId", md.memberId());
                mm.put("clientId", md.clientId());
                mm.put("clientHost", md.clientHost());
                mm.put("assignment", assignment(md.assignment()));
                members.add(mm);
            }
            g.put("members", members);
            out.add(g);
        }
        return out;
    }

    /** A consumer-protocol assignment as {@code topic-partition} strings; empty when not one (another protocol). */
    static List<String> assignment(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return List.of();
        }
        try {
            return ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(bytes)).partitions().stream()
                    .map(tp -> tp.topic() + "-" + tp.partition()).sorted().toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private Map<String, Object> counters() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("bytesIn", count("kayak.replica.bytes-in"));
        c.put("bytesOut", count("kayak.replica.bytes-out"));
        c.put("produceRequests", count("kayak.request.Produce.requests"));
        c.put("fetchRequests", count("kayak.request.Fetch.requests"));
        return c;
    }

    private long count(String name) {
        Metric m = node.registry().getMetrics().get(name);
        return m instanceof Metered meter ? meter.getCount() : 0;
    }

    /** For the lag rows' JSON shape (records, not classes). */
    static Map<String, Object> lagRow(ConsumerLag.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("group", r.group());
        m.put("topic", r.topic());
        m.put("partition", r.partition());
        m.put("committedOffset", r.committedOffset());
        m.put("logEndOffset", r.logEndOffset());
        m.put("recordsBehind", r.recordsBehind());
        m.put("secondsBehind", r.secondsBehind());
        return m;
    }
}
