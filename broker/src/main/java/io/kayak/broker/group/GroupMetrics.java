package io.kayak.broker.group;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The group coordinator's metrics on an injected registry, under {@code kayak.group.}: groups this node
 * coordinates by state ({@code groups.<State>}), rebalances started ({@code rebalances}), offsets committed
 * ({@code offset-commits}), commits refused or failed ({@code offset-commit-errors}), members removed because their
 * session timeout ran out without a heartbeat ({@code members-expired}).
 *
 * <p>Thread-safe. {@link #close()} removes every metric it registered.
 */
final class GroupMetrics implements AutoCloseable {
    static final String PREFIX = "kayak.group.";

    private final MetricRegistry registry;
    final Meter rebalances;
    final Meter commits;
    final Meter commitErrors;
    final Meter membersExpired;

    GroupMetrics(MetricRegistry registry, Supplier<Map<ClassicGroup.State, Long>> countsByState) {
        this.registry = registry;
        this.rebalances = registry.meter(PREFIX + "rebalances");
        this.commits = registry.meter(PREFIX + "offset-commits");
        this.commitErrors = registry.meter(PREFIX + "offset-commit-errors");
        this.membersExpired = registry.meter(PREFIX + "members-expired");
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
