package io.kayak.broker.metrics;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import com.codahale.metrics.jvm.BufferPoolMetricSet;
import com.codahale.metrics.jvm.CachedThreadStatesGaugeSet;
import com.codahale.metrics.jvm.ClassLoadingGaugeSet;
import com.codahale.metrics.jvm.GarbageCollectorMetricSet;
import com.codahale.metrics.jvm.MemoryUsageGaugeSet;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's metric registry made public: adds the JVM's metrics ({@code jvm.memory.*} heap, non-heap and pools,
 * {@code jvm.gc.*}, {@code jvm.threads.*}, {@code jvm.buffers.direct|mapped.*}, {@code jvm.classes.*}), the
 * process's ({@link ProcessMetrics}) and Ratis's ({@link RatisMetricsBridge}) to the components' metrics already
 * there, publishes everything on JMX under {@link KafkaObjectNameFactory}'s names (when
 * {@link ObservabilityConfig#jmxEnable()}), and renders it for {@code /metrics} ({@link PrometheusExport}).
 *
 * <p>JMX is the platform MBean server, one per JVM: with several nodes in one JVM (tests) the first to register a
 * name keeps it, as only one Kafka broker runs per JVM.
 *
 * <p>Thread-safe. Closing stops the JMX reporter (unregistering its MBeans), the Ratis bridge's refresh, and
 * removes every metric this class added; the components remove their own.
 */
public final class NodeMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMetrics.class);
    /** How often the Ratis bridge looks for Raft groups that came or went; a scrape also refreshes it. */
    public static final long RATIS_SYNC_INTERVAL_MS = 5_000;
    private static final String[] OWN_PREFIXES = {"jvm.", "process."};

    private final MetricRegistry registry;
    private final RatisMetricsBridge ratis;
    private final PrometheusExport prometheus;
    private final JmxReporter jmx;
    private final ScheduledFuture<?> ratisSync;

    /**
     * @param ratisPeers {@code "<peer id>@"} of each of this node's Raft servers to its label
     *                   ({@code metadata}, {@code partition}); filtered by {@link ObservabilityConfig#ratisMetrics()}
     */
    public NodeMetrics(MetricRegistry registry, ObservabilityConfig config, Map<String, String> ratisPeers,
                       ScheduledExecutorService scheduler) {
        this.registry = registry;
        registry.registerAll("jvm.memory", new MemoryUsageGaugeSet());
        registry.registerAll("jvm.gc", new GarbageCollectorMetricSet());
        registry.registerAll("jvm.threads", new CachedThreadStatesGaugeSet(5, TimeUnit.SECONDS));
        registry.registerAll("jvm.buffers", new BufferPoolMetricSet(ManagementFactory.getPlatformMBeanServer()));
        registry.registerAll("jvm.classes", new ClassLoadingGaugeSet());
        registry.registerAll(new ProcessMetrics());
        Map<String, String> peers = switch (config.ratisMetrics()) {
            case ALL -> ratisPeers;
            case METADATA -> Map.copyOf(Maps.filterValues(ratisPeers, "metadata"));
            case NONE -> Map.of();
        };
        ratis = new RatisMetricsBridge(registry, peers);
        ratisSync = peers.isEmpty() ? null
                : scheduler.scheduleWithFixedDelay(this::syncRatis, 0, RATIS_SYNC_INTERVAL_MS, TimeUnit.MILLISECONDS);
        prometheus = new PrometheusExport(registry);
        if (config.jmxEnable()) {
            jmx = JmxReporter.forRegistry(registry).inDomain(MetricNames.KAYAK_DOMAIN)
                    .createsObjectNamesWith(new KafkaObjectNameFactory())
                    .registerWith(ManagementFactory.getPlatformMBeanServer()).build();
            jmx.start();
        } else {
            jmx = null;
        }
    }

    /** Never throws: an exception would end the scheduler's repetition for good. */
    private void syncRatis() {
        try {
            ratis.sync();
        } catch (RuntimeException e) {
            LOG.warn("Ratis metrics could not be bridged", e);
        }
    }

    /** Writes every metric in Prometheus text format, Ratis's refreshed first. */
    public void writePrometheus(OutputStream out) throws IOException {
        if (ratisSync != null) {
            ratis.sync();
        }
        prometheus.write(out);
    }

    public MetricRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (ratisSync != null) {
            ratisSync.cancel(false);
        }
        if (jmx != null) {
            jmx.stop();
        }
        ratis.close();
        registry.removeMatching((name, m) -> {
            for (String p : OWN_PREFIXES) {
                if (name.startsWith(p)) {
                    return true;
                }
            }
            return false;
        });
    }

    private static final class Maps {
        static Map<String, String> filterValues(Map<String, String> m, String value) {
            Map<String, String> out = new java.util.HashMap<>();
            m.forEach((k, v) -> {
                if (v.equals(value)) {
                    out.put(k, v);
                }
            });
            return out;
        }
    }
}
