package io.kayak.broker.replica;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.kayak.log.PartitionLog;
import io.kayak.metadata.TopicPartition;
import java.util.function.LongSupplier;

/**
 * The replica layer's metrics on an injected registry: node-wide {@code kayak.replica.*} (bytes in and out,
 * appends, the records entries they went in (fewer under group commit), lingers of group commit and those its timer
 * ended, leader count, under-replicated partitions,
 * hosted partitions) and per partition {@code kayak.partition.<topic>-<n>.*} (high watermark, log end offset, log
 * start offset, size), registered while the node hosts the partition.
 *
 * <p>Thread-safe. {@link #close()} removes every metric it registered.
 */
public final class PartitionMetrics implements AutoCloseable, AppendQueue.Lingers {
    public static final String NODE_PREFIX = "kayak.replica.";
    public static final String PARTITION_PREFIX = "kayak.partition.";

    private final MetricRegistry registry;
    private final Meter bytesIn;
    private final Meter bytesOut;
    private final Meter appends;
    private final Meter appendEntries;
    private final Meter appendLingers;
    private final Meter appendLingersExpired;

    public PartitionMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.bytesIn = registry.meter(NODE_PREFIX + "bytes-in");
        this.bytesOut = registry.meter(NODE_PREFIX + "bytes-out");
        this.appends = registry.meter(NODE_PREFIX + "appends");
        this.appendEntries = registry.meter(NODE_PREFIX + "append-entries");
        this.appendLingers = registry.meter(NODE_PREFIX + "append-lingers");
        this.appendLingersExpired = registry.meter(NODE_PREFIX + "append-lingers-expired");
    }

    /** Node-wide gauges computed on read. */
    public void registerNodeGauges(LongSupplier hosted, LongSupplier leaders, LongSupplier underReplicated) {
        registry.gauge(NODE_PREFIX + "partition-count", () -> (Gauge<Long>) hosted::getAsLong);
        registry.gauge(NODE_PREFIX + "leader-count", () -> (Gauge<Long>) leaders::getAsLong);
        registry.gauge(NODE_PREFIX + "under-replicated-partitions", () -> (Gauge<Long>) underReplicated::getAsLong);
    }

    void registerPartition(TopicPartition tp, PartitionLog log, LongSupplier highWatermark) {
        String p = PARTITION_PREFIX + tp + ".";
        registry.gauge(p + "high-watermark", () -> (Gauge<Long>) () -> safe(highWatermark));
        registry.gauge(p + "log-end-offset", () -> (Gauge<Long>) () -> safe(log::logEndOffset));
        registry.gauge(p + "log-start-offset", () -> (Gauge<Long>) () -> safe(log::logStartOffset));
        registry.gauge(p + "size-bytes", () -> (Gauge<Long>) () -> safe(log::sizeInBytes));
    }

    void removePartition(TopicPartition tp) {
        String p = PARTITION_PREFIX + tp + ".";
        registry.removeMatching((name, m) -> name.startsWith(p));
    }

    /** A closed or offline log reads as -1 rather than failing a metrics scrape. */
    private static long safe(LongSupplier s) {
        try {
            return s.getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    void appended(int bytes) {
        bytesIn.mark(bytes);
        appends.mark();
    }

    /** A records entry this node, as leader, sent to a partition group: one or more produce requests. */
    void appendEntry() {
        appendEntries.mark();
    }

    @Override
    public void started() {
        appendLingers.mark();
    }

    @Override
    public void expired() {
        appendLingersExpired.mark();
    }

    void read(int bytes) {
        bytesOut.mark(bytes);
    }

    public MetricRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        registry.removeMatching((name, m) -> name.startsWith(NODE_PREFIX) || name.startsWith(PARTITION_PREFIX));
    }
}
