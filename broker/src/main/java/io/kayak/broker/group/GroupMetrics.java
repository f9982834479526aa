package io.kayak.broker.group;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The group coordinator's metrics on an injected registry, under {@code kayak.group.}: groups this node
 * coordinates by state ({@code groups.<State>}), rebalances started, offsets committed, commits refused or
 * failed, members expired by their session timeout.
 *
 * <p>Thread-safe. {@link #close()} removes every metric it registered.
 */
final class GroupMetrics implements AutoCloseable {
    static final String PREFIX = "kayak.group.";

    private final MetricRegistry registry;
    final Meter rebalances;
    final Meter commits;
    final Meter commitErrors;

    GroupMetrics(MetricRegistry registry, Supplier<Map<ClassicGroup.State, Long>> countsByState) {
        this.registry = registry;
        this.rebalances = registry.meter(PREFIX + "rebalances");
        this.commits = registry.meter(PREFIX + "offset-commits");
        this.commitErrors = registry.meter(PREFIX + "offset-commit-errors");
        for (ClassicGroup.State s : ClassicGroup.State.values()) {
            registry.gauge(PREFIX + "groups." + s.kafkaName,
                    () -> (Gauge<Long>) () -> countsByState.get().getOrDefault(s, 0L));
        }
    }

    @Override
    public void close() {
        registry.removeMatching((name, m) -> name.startsWith(PREFIX));
    }
}
