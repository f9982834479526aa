package io.kayak.broker.lag;

import io.kayak.broker.replica.ReplicaManager;
import io.kayak.broker.replica.ReplicatedPartitionService;
import io.kayak.metadata.CommittedOffset;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.TopicPartition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Broker-side consumer lag, computed by each partition's leader for every group with a committed offset on it:
 * the committed offsets come from the metadata image (every node has them all), the log end and the record
 * timestamps from the leader's own log and index, so nothing is asked of another node. Summed over the nodes, each
 * (group, partition) appears exactly once, on its leader.
 *
 * <ul>
 *   <li>records behind = high watermark − committed offset (never below 0): the high watermark is the log end a
 *       consumer can read, as Kafka's lag tools use it;</li>
 *   <li>seconds behind = now − timestamp of the first record not yet consumed (the one at the committed offset),
 *       or 0 when caught up. The timestamp is its batch's largest, read from the index without touching the
 *       segment, so the figure can be short by at most the time one producer batch spans.</li>
 * </ul>
 *
 * <p>Thread-safe: each {@link #compute} reads the current image and takes each log's lock briefly.
 */
public final class ConsumerLag {
    private final Supplier<MetadataImage> images;
    private final Supplier<ReplicaManager> managers;
    private final ReplicatedPartitionService partitions;
    private final LongSupplier clockMs;

    /** One group's lag on one partition this node leads. */
    public record Row(String group, String topic, int partition, long committedOffset, long logEndOffset,
                      long recordsBehind, double secondsBehind) {
    }

    public ConsumerLag(Supplier<MetadataImage> images, Supplier<ReplicaManager> managers,
                       ReplicatedPartitionService partitions, LongSupplier clockMs) {
        this.images = images;
        this.managers = managers;
        this.partitions = partitions;
        this.clockMs = clockMs;
    }

    /** The lag of every (group, partition) this node leads, sorted by group, topic and partition. */
    public List<Row> compute() {
        ReplicaManager manager = managers.get();
        if (manager == null) {
            return List.of();
        }
        Set<TopicPartition> led = new HashSet<>();
        for (TopicPartition tp : manager.hostedPartitions()) {
            if (manager.isLeader(tp)) {
                led.add(tp);
            }
        }
        List<Row> rows = new ArrayList<>();
        long now = clockMs.getAsLong();
        for (Map.Entry<String, Map<TopicPartition, CommittedOffset>> group : images.get().offsets().entrySet()) {
            for (Map.Entry<TopicPartition, CommittedOffset> e : group.getValue().entrySet()) {
                if (led.contains(e.getKey())) {
                    row(group.getKey(), e.getKey(), e.getValue().offset(), now).ifPresent(rows::add);
                }
            }
        }
        rows.sort(Comparator.comparing(Row::group).thenComparing(Row::topic).thenComparingInt(Row::partition));
        return rows;
    }

    private Optional<Row> row(String group, TopicPartition tp, long committed, long now) {
        return partitions.leaderPosition(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition()), committed)
                .map(p -> new Row(group, tp.topic(), tp.partition(), committed, p.highWatermark(),
                        Math.max(0, p.highWatermark() - committed),
                        p.timestampMs() < 0 ? 0 : Math.max(0, now - p.timestampMs()) / 1000.0));
    }
}
