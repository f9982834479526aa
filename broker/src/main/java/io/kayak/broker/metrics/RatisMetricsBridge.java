package io.kayak.broker.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;
import org.apache.ratis.thirdparty.com.codahale.metrics.Counting;
import org.apache.ratis.thirdparty.com.codahale.metrics.Metric;
import org.apache.ratis.thirdparty.com.codahale.metrics.Sampling;

/**
 * Ratis's own metrics (leader election, log appender, log worker, state machine, server) for this node's Raft
 * groups, copied into the node's registry as gauges named {@code ratis.<raft>.<component>.<group>.<metric>}
 * ({@code raft} is {@code metadata} or {@code partition}; the other parts {@link MetricNames#escape escaped}).
 *
 * <p>Why a bridge: Ratis keeps its metrics in a JVM-wide set of registries ({@link MetricRegistries#global()}) of
 * its shaded Dropwizard copy, which neither this node's registry nor client_java's bridge can read. (The
 * {@code ratis-metrics-dropwizard3} module swaps in unshaded Dropwizard 3 registries, but they stay JVM-wide and
 * Dropwizard 3 conflicts with the Dropwizard 4 the node uses.) This node's registries are those whose member id
 * starts with one of its Raft peer ids, so three nodes in one JVM each see only their own.
 *
 * <p>Counters, meters, timers and histograms become {@code <metric>-count} gauges, timers and histograms also
 * {@code <metric>-mean} (the unit Ratis records in: nanoseconds for timers), numeric gauges stay gauges. Groups
 * come and go with partitions, so {@link #sync} (run periodically and before a scrape) adds and removes gauges.
 * Thread-safe; {@link #close} removes everything it added.
 */
public final class RatisMetricsBridge implements AutoCloseable {
    private final MetricRegistry target;
    private final Map<String, String> raftByPeerPrefix;
    /** Bridged name to the Ratis metric it reads: a group recreated under the same name gets fresh gauges. */
    private final Map<String, Metric> bridged = new HashMap<>();
    private boolean closed;

    /** @param raftByPeerPrefix {@code "<peer id>@"} of each of this node's Raft servers to its label */
    public RatisMetricsBridge(MetricRegistry target, Map<String, String> raftByPeerPrefix) {
        this.target = target;
        this.raftByPeerPrefix = Map.copyOf(raftByPeerPrefix);
    }

    public synchronized void sync() {
        if (closed) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (RatisMetricRegistry r : MetricRegistries.global().getMetricRegistries()) {
            MetricRegistryInfo info = r.getMetricRegistryInfo();
            String member = info.getPrefix();
            String raft = raft(member);
            if (raft == null || !(r instanceof RatisMetricRegistryImpl impl)) {
                continue;
            }
            String group = member.substring(member.indexOf('@') + 1);
            String fullPrefix = MetricRegistry.name(info.getApplicationName(), info.getMetricsComponentName(), member) + ".";
            String base = MetricNames.RATIS_PREFIX + raft + "." + MetricNames.escape(info.getMetricsComponentName()) + "."
                    + MetricNames.escape(group) + ".";
            for (Map.Entry<String, Metric> e : impl.getDropWizardMetricRegistry().getMetrics().entrySet()) {
                String name = e.getKey().startsWith(fullPrefix) ? e.getKey().substring(fullPrefix.length()) : e.getKey();
                bridge(base, name, e.getValue(), seen);
            }
        }
        for (String gone : bridged.keySet()) {
            if (!seen.contains(gone)) {
                target.remove(gone);
            }
        }
        bridged.keySet().retainAll(seen);
    }

    private String raft(String member) {
        if (member == null) {
            return null;
        }
        for (Map.Entry<String, String> p : raftByPeerPrefix.entrySet()) {
            if (member.startsWith(p.getKey())) {
                return p.getValue();
            }
        }
        return null;
    }

    private void bridge(String base, String name, Metric m, Set<String> seen) {
        if (m instanceof Counting c) {
            add(base, name + "-count", m, c::getCount, seen);
        }
        if (m instanceof Sampling s) {
            add(base, name + "-mean", m, () -> s.getSnapshot().getMean(), seen);
        }
        if (m instanceof org.apache.ratis.thirdparty.com.codahale.metrics.Gauge<?> g && g.getValue() instanceof Number) {
            add(base, name, m, () -> g.getValue() instanceof Number n ? n : Double.NaN, seen);
        }
    }

    private void add(String base, String metric, Metric source, Supplier<Number> value, Set<String> seen) {
        String name = base + MetricNames.escape(metric);
        seen.add(name);
        Metric before = bridged.put(name, source);
        if (before != source) {
            if (before != null) {
                target.remove(name);
            }
            target.register(name, (Gauge<Number>) value::get);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        bridged.keySet().forEach(target::remove);
        bridged.clear();
    }
}
