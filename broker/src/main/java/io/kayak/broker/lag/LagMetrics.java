package io.kayak.broker.lag;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.kayak.broker.metrics.MetricNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer lag gauges, {@code kayak.lag.<group>.<topic>.<partition>.records} and {@code .seconds} (published as
 * {@code kayak_group_lag_records} / {@code kayak_group_lag_seconds} with group, topic and partition labels), for the
 * partitions this node leads. {@link ConsumerLag} is recomputed every interval on the node's scheduler; gauges
 * read the last result, and are added and removed as (group, partition) pairs come and go (a leader change moves
 * them to the new leader's node).
 *
 * <p>Thread-safe. {@link #close} stops the refresh and removes every gauge.
 */
public final class LagMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LagMetrics.class);

    private final MetricRegistry registry;
    private final ConsumerLag lag;
    private final ScheduledFuture<?> refresh;
    private volatile Map<String, ConsumerLag.Row> current = Map.of();
    private boolean closed;

    public LagMetrics(MetricRegistry registry, ConsumerLag lag, ScheduledExecutorService scheduler, long intervalMs) {
        this.registry = registry;
        this.lag = lag;
        this.refresh = scheduler.scheduleWithFixedDelay(this::refresh, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** The lag rows of the last refresh. */
    public List<ConsumerLag.Row> rows() {
        return List.copyOf(current.values());
    }

    /** Never throws: an exception would end the scheduler's repetition for good. */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        try {
            update(lag.compute());
        } catch (RuntimeException e) {
            LOG.warn("Consumer lag could not be computed", e);
        }
    }

    private void update(List<ConsumerLag.Row> rows) {
        Map<String, ConsumerLag.Row> next = new HashMap<>();
        for (ConsumerLag.Row r : rows) {
            next.put(MetricNames.LAG_PREFIX + MetricNames.escape(r.group()) + "." + MetricNames.escape(r.topic()) + "."
                    + r.partition() + ".", r);
        }
        Map<String, ConsumerLag.Row> before = current;
        current = next;
        for (String base : before.keySet()) {
            if (!next.containsKey(base)) {
                registry.remove(base + "records");
                registry.remove(base + "seconds");
            }
        }
        for (String base : next.keySet()) {
            if (!before.containsKey(base)) {
                registry.register(base + "records", (Gauge<Long>) () -> value(base, true).longValue());
                registry.register(base + "seconds", (Gauge<Double>) () -> value(base, false).doubleValue());
            }
        }
    }

    private Number value(String base, boolean records) {
        ConsumerLag.Row r = current.get(base);
        if (r == null) {
            return 0;
        }
        return records ? r.recordsBehind() : r.secondsBehind();
    }

    @Override
    public synchronized void close() {
        closed = true;
        refresh.cancel(false);
        registry.removeMatching((name, m) -> name.startsWith(MetricNames.LAG_PREFIX));
        current = Map.of();
    }
}
