package io.kayak.broker.metrics;

import io.kayak.broker.config.KayakConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the node's metrics, JMX and web console: the one place they are read. docs/OPERATIONS.md lists them.
 *
 * @param jmxEnable          publish the registry on the platform MBean server
 * @param ratisMetrics       which Raft groups' own Ratis metrics the registry bridges in
 * @param lagIntervalMs      how often the consumer lag gauges are recomputed
 * @param consoleAdminEnable whether the web console may change anything: its admin actions
 *                           ({@link io.kayak.broker.http.console.ConsoleAdminActions}) answer 403 unless true
 */
public record ObservabilityConfig(boolean jmxEnable, RatisMetrics ratisMetrics, long lagIntervalMs, boolean consoleAdminEnable) {
    public static final String JMX_ENABLE = "kayak.jmx.enable";
    public static final String RATIS_METRICS = "kayak.metrics.ratis";
    public static final String LAG_INTERVAL_MS = "kayak.metrics.lag.interval.ms";
    public static final String CONSOLE_ADMIN_ENABLE = "kayak.console.admin.enable";
    public static final Set<String> KEYS = Set.of(JMX_ENABLE, RATIS_METRICS, LAG_INTERVAL_MS, CONSOLE_ADMIN_ENABLE);

    /** Which Raft groups' Ratis metrics to bridge: each partition group adds a few dozen series. */
    public enum RatisMetrics { ALL, METADATA, NONE }

    public static ObservabilityConfig from(Map<String, String> props) {
        String ratis = props.getOrDefault(RATIS_METRICS, "all").trim().toUpperCase(Locale.ROOT);
        RatisMetrics r;
        try {
            r = RatisMetrics.valueOf(ratis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(RATIS_METRICS + "=" + props.get(RATIS_METRICS)
                    + " is not one of all, metadata, none");
        }
        return new ObservabilityConfig(KayakConfig.boolValue(props, JMX_ENABLE, true), r,
                KayakConfig.longValue(props, LAG_INTERVAL_MS, 5_000, 100, 3_600_000),
                KayakConfig.boolValue(props, CONSOLE_ADMIN_ENABLE, false));
    }
}
