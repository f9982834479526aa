package io.kayak.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The published names: labelled Prometheus families merged from many Dropwizard metrics, and Kafka's JMX names. */
class PrometheusExportTest {
    @Test
    void familiesWithLabelsAreMergedAndNamedLikeKafka() throws Exception {
        MetricRegistry r = new MetricRegistry();
        r.meter("kayak.request.Produce.requests").mark(3);
        r.meter("kayak.request.Fetch.requests").mark(5);
        r.timer("kayak.request.Produce.latency");
        r.timer("kayak.request.Fetch.latency");
        r.register("kayak.partition.my.topic-12.log-end-offset", (Gauge<Long>) () -> 42L);
        r.register("kayak.partition.other-0.log-end-offset", (Gauge<Long>) () -> 7L);
        r.register(MetricNames.LAG_PREFIX + MetricNames.escape("g.1") + "." + MetricNames.escape("t.x") + ".3.records",
                (Gauge<Long>) () -> 9L);
        r.register("kayak.group.groups.Stable", (Gauge<Long>) () -> 2L);
        r.register("kayak.group.groups.Empty", (Gauge<Long>) () -> 1L);
        r.meter("kayak.group.members-expired").mark(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusExport(r).write(out);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("kayak_request_requests_total{request=\"Produce\"} 3"), text);
        assertTrue(text.contains("kayak_request_requests_total{request=\"Fetch\"} 5"), text);
        assertTrue(text.contains("kayak_request_latency{request=\"Fetch\",quantile=\"0.99\"}"), text);
        assertTrue(text.contains("kayak_partition_log_end_offset{partition=\"12\",topic=\"my.topic\"} 42"), text);
        assertTrue(text.contains("kayak_group_lag_records{group=\"g.1\",partition=\"3\",topic=\"t.x\"} 9"), text);
        assertTrue(text.contains("kayak_group_groups{state=\"Stable\"} 2"), text);
        assertTrue(text.contains("kayak_group_members_expired_total 4"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("# TYPE kayak_request_requests")).count(), text);
    }

    @Test
    void jmxNamesFollowKafkaWhereKafkaHasTheMetric() throws Exception {
        KafkaObjectNameFactory f = new KafkaObjectNameFactory();
        assertEquals(new ObjectName("kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions"),
                f.createName("gauges", "kayak", "kayak.replica.under-replicated-partitions"));
        assertEquals(new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec"),
                f.createName("meters", "kayak", "kayak.replica.bytes-in"));
        assertEquals(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce"),
                f.createName("meters", "kayak", "kayak.request.Produce.requests"));
        assertEquals(new ObjectName("kafka.log:type=Log,name=LogEndOffset,topic=my.topic,partition=12"),
                f.createName("gauges", "kayak", "kayak.partition.my.topic-12.log-end-offset"));
        assertEquals(new ObjectName("kayak.server:type=ConsumerLag,name=RecordsBehind,group=" + ObjectName.quote("a,b")
                        + ",topic=t,partition=0"),
                f.createName("gauges", "kayak", MetricNames.LAG_PREFIX + "a,b.t.0.records"));
        assertEquals(new ObjectName("kayak.coordinator.group:type=GroupCoordinator,name=MembersExpiredPerSec"),
                f.createName("meters", "kayak", "kayak.group.members-expired"));
        assertEquals(new ObjectName("kayak:name=jvm.memory.heap.used"), f.createName("gauges", "kayak", "jvm.memory.heap.used"));
    }
}
