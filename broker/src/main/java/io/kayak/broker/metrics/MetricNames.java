package io.kayak.broker.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that turns a Dropwizard metric name of the node's registry into its published names: a
 * Prometheus family name with labels, and a JMX {@code domain:key=value} name — Kafka's where Kafka has the
 * same metric ({@code kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec}), {@code kayak.*} otherwise.
 *
 * <p>Dropwizard names are dotted. Parts that are user-chosen (group ids, topics in lag metrics, Raft metric
 * names) are {@link #escape escaped} so a dot in them cannot be mistaken for a separator; partition metrics
 * ({@code kayak.partition.<topic>-<n>.<metric>}) need no escaping because both ends are fixed. A name no rule
 * knows keeps its Dropwizard name (Prometheus: dots and dashes become underscores; JMX: domain {@code kayak},
 * {@code name=<dropwizard name>}).
 *
 * <p>Stateless and thread-safe.
 */
public final class MetricNames {
    /** The JMX domain of metrics with no Kafka equivalent. */
    public static final String KAYAK_DOMAIN = "kayak";
    /** Prefix of the broker-side consumer lag gauges: {@code kayak.lag.<group>.<topic>.<partition>.<records|seconds>}. */
    public static final String LAG_PREFIX = "kayak.lag.";
    /** Prefix of Ratis's own metrics bridged in: {@code ratis.<raft>.<component>.<group>.<metric>}. */
    public static final String RATIS_PREFIX = "ratis.";

    private static final Pattern REQUEST = Pattern.compile("kayak\\.request\\.([A-Za-z]+)\\.([a-z-]+)");
    private static final Pattern PARTITION = Pattern.compile("kayak\\.partition\\.(.+)-(\\d+)\\.([a-z-]+)");
    private static final Pattern GROUP_STATE = Pattern.compile("kayak\\.group\\.groups\\.([A-Za-z]+)");
    private static final Pattern LAG = Pattern.compile("kayak\\.lag\\.([^.]+)\\.([^.]+)\\.(\\d+)\\.(records|seconds)");
    private static final Pattern RATIS = Pattern.compile("ratis\\.([a-z]+)\\.([^.]+)\\.([^.]+)\\.([^.]+)");

    private static final Map<String, String> REQUEST_JMX = Map.of("requests", "RequestsPerSec", "errors", "ErrorsPerSec",
            "latency", "TotalTimeMs", "bytes-in", "RequestBytesPerSec", "bytes-out", "ResponseBytesPerSec");
    /** Node-wide metrics with their JMX names; Kafka's where it has one. */
    private static final Map<String, String> NODE_JMX = Map.ofEntries(
            Map.entry("kayak.replica.bytes-in", "kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec"),
            Map.entry("kayak.replica.bytes-out", "kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec"),
            Map.entry("kayak.replica.appends", "kayak.server:type=BrokerTopicMetrics,name=BatchesInPerSec"),
            Map.entry("kayak.replica.append-entries", "kayak.server:type=ReplicaManager,name=AppendEntriesPerSec"),
            Map.entry("kayak.replica.append-lingers", "kayak.server:type=ReplicaManager,name=AppendLingersPerSec"),
            Map.entry("kayak.replica.append-lingers-expired",
                    "kayak.server:type=ReplicaManager,name=AppendLingersExpiredPerSec"),
            Map.entry("kayak.replica.partition-count", "kafka.server:type=ReplicaManager,name=PartitionCount"),
            Map.entry("kayak.replica.leader-count", "kafka.server:type=ReplicaManager,name=LeaderCount"),
            Map.entry("kayak.replica.under-replicated-partitions",
                    "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions"),
            Map.entry("kayak.group.rebalances", "kayak.coordinator.group:type=GroupCoordinator,name=RebalancesPerSec"),
            Map.entry("kayak.group.offset-commits", "kafka.coordinator.group:type=GroupMetadataManager,name=OffsetCommitsPerSec"),
            Map.entry("kayak.group.offset-commit-errors",
                    "kayak.coordinator.group:type=GroupMetadataManager,name=OffsetCommitErrorsPerSec"),
            Map.entry("kayak.group.members-expired", "kayak.coordinator.group:type=GroupCoordinator,name=MembersExpiredPerSec"));
    private static final Map<String, String> PARTITION_JMX = Map.of("log-end-offset", "kafka.log:type=Log,name=LogEndOffset",
            "log-start-offset", "kafka.log:type=Log,name=LogStartOffset", "size-bytes", "kafka.log:type=Log,name=Size",
            "high-watermark", "kayak.log:type=Log,name=HighWatermark");

    private MetricNames() {
    }

    /** A metric's published names. {@code jmx} is a complete ObjectName string, values quoted where needed. */
    public record Mapped(String prometheusName, Map<String, String> labels, String jmx) {
    }

    public static Mapped map(String name) {
        Matcher m = REQUEST.matcher(name);
        if (m.matches()) {
            String kind = m.group(2);
            String kafka = REQUEST_JMX.getOrDefault(kind, kind);
            String domain = kind.equals("requests") || kind.equals("errors") || kind.equals("latency") ? "kafka.network" : "kayak.network";
            return new Mapped(prometheus("kayak.request." + kind), Map.of("request", m.group(1)),
                    domain + ":type=RequestMetrics,name=" + kafka + ",request=" + jmxValue(m.group(1)));
        }
        String node = NODE_JMX.get(name);
        if (node != null) {
            return new Mapped(prometheus(name), Map.of(), node);
        }
        m = PARTITION.matcher(name);
        if (m.matches()) {
            String base = PARTITION_JMX.getOrDefault(m.group(3), "kayak.log:type=Log,name=" + m.group(3));
            return new Mapped(prometheus("kayak.partition." + m.group(3)), labels("topic", m.group(1), "partition", m.group(2)),
                    base + ",topic=" + jmxValue(m.group(1)) + ",partition=" + m.group(2));
        }
        m = GROUP_STATE.matcher(name);
        if (m.matches()) {
            return new Mapped(prometheus("kayak.group.groups"), Map.of("state", m.group(1)),
                    "kafka.coordinator.group:type=GroupMetadataManager,name=NumGroups" + m.group(1));
        }
        m = LAG.matcher(name);
        if (m.matches()) {
            String group = unescape(m.group(1));
            String topic = unescape(m.group(2));
            String unit = m.group(4);
            return new Mapped(prometheus("kayak.group.lag." + unit), labels("group", group, "topic", topic, "partition", m.group(3)),
                    "kayak.server:type=ConsumerLag,name=" + (unit.equals("records") ? "RecordsBehind" : "SecondsBehind")
                            + ",group=" + jmxValue(group) + ",topic=" + jmxValue(topic) + ",partition=" + m.group(3));
        }
        m = RATIS.matcher(name);
        if (m.matches()) {
            String component = unescape(m.group(2));
            String group = unescape(m.group(3));
            String metric = unescape(m.group(4));
            return new Mapped(prometheus("kayak.ratis." + component + "." + metric),
                    labels("raft", m.group(1), "group", group),
                    "kayak.ratis:type=" + jmxValue(m.group(1)) + ",component=" + jmxValue(component) + ",group="
                            + jmxValue(group) + ",name=" + jmxValue(metric));
        }
        return new Mapped(prometheus(name), Map.of(), KAYAK_DOMAIN + ":name=" + jmxValue(name));
    }

    /** Escapes a user-chosen part of a dotted name: {@code %} and {@code .} become {@code %25} and {@code %2E}. */
    public static String escape(String part) {
        return part.replace("%", "%25").replace(".", "%2E");
    }

    static String unescape(String part) {
        return part.replace("%2E", ".").replace("%25", "%");
    }

    /** A legal Prometheus metric name: anything outside {@code [a-zA-Z0-9_:]} becomes {@code _}. */
    static String prometheus(String dotted) {
        StringBuilder b = new StringBuilder(dotted.length());
        for (int i = 0; i < dotted.length(); i++) {
            char c = dotted.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9' && i > 0) || c == '_' || c == ':';
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    /** An ObjectName property value: quoted when it holds a character ObjectName reserves. */
    static String jmxValue(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\\' || c == '\n') {
                return javax.management.ObjectName.quote(v);
            }
        }
        return v.isEmpty() ? "\"\"" : v;
    }

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
