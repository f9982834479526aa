package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Topic config changes reach the partition logs already open on every replica: lowering {@code retention.bytes}
 * of a topic with data moves its log start (seen through ListOffsets earliest) on all three nodes, and a new
 * {@code segment.bytes} is what every open log then uses; compaction is refused, {@code cleanup.policy=delete}
 * accepted. Then the same for dynamic broker configs, set with the AdminClient on the cluster-wide default and on one
 * node: DescribeConfigs reports them with Kafka's config sources, topics without an override pick them up on their
 * open logs, bad values and keys are refused with Kafka's errors, and the legacy AlterConfigs replaces them whole.
 */
@Tag("integration")
class KafkaTopicConfigChangeTest extends ClusterTest {
    private static final long TIMEOUT_S = 30;

    @Test
    void retentionAndSegmentChangesReachOpenLogsOnEveryReplica() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of("log.retention.check.interval.ms", "100"));
        cluster.createTopic("trim", 1, 3, Map.of("segment.bytes", "2048", "max.message.bytes", "1024"));
        TopicPartition tp = new TopicPartition("trim", 0);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 60; i++) {
                producer.send(new ProducerRecord<>("trim", 0, null, "x".repeat(200) + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        Properties ap = new Properties();
        ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (Admin admin = Admin.create(ap)) {
            assertEquals(0, earliest(admin, tp), "nothing is deleted yet: retention.bytes is unlimited");
            ConfigResource trim = new ConfigResource(ConfigResource.Type.TOPIC, "trim");
            set(admin, trim, "retention.bytes", "4096");
            await("the log start advanced through retention", 60, () -> earliest(admin, tp) > 0);
            await("every replica trimmed its open log", 60, () -> cluster.servers.keySet().stream()
                    .allMatch(id -> cluster.log(id, "trim", 0).logStartOffset() > 0
                            && cluster.log(id, "trim", 0).sizeInBytes() <= 4096 + 2048));

            set(admin, trim, "segment.bytes", "65536");
            await("every open log uses the new segment size", 60, () -> cluster.servers.keySet().stream()
                    .allMatch(id -> cluster.log(id, "trim", 0).config().segmentBytes() == 65536));

            set(admin, trim, "cleanup.policy", "delete");
            assertInstanceOf(InvalidConfigurationException.class, assertThrows(ExecutionException.class,
                    () -> set(admin, trim, "cleanup.policy", "compact")).getCause());

            dynamicBrokerConfigs(admin);
        }
    }

    private void dynamicBrokerConfigs(Admin admin) throws Exception {
        cluster.createTopic("inherit", 1, 3, Map.of());
        ConfigResource defaults = new ConfigResource(ConfigResource.Type.BROKER, "");
        ConfigResource node3 = new ConfigResource(ConfigResource.Type.BROKER, "3");
        ConfigResource node1 = new ConfigResource(ConfigResource.Type.BROKER, "1");
        ConfigEntry segment = describe(admin, node1).get("log.segment.bytes");
        assertEquals(Integer.toString(1 << 30), segment.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, segment.source());
        assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, describe(admin, node1).get("node.id").source());

        set(admin, defaults, "log.segment.bytes", "2097152");
        await("every open log without an override uses the cluster-wide default", 60, () -> cluster.servers.keySet().stream()
                .allMatch(id -> cluster.log(id, "inherit", 0).config().segmentBytes() == 2097152));
        assertTrue(cluster.servers.keySet().stream().allMatch(id -> cluster.log(id, "trim", 0).config().segmentBytes() == 65536),
                "a topic's own segment.bytes wins over the broker default");
        ConfigEntry inherited = describe(admin, new ConfigResource(ConfigResource.Type.BROKER, "2")).get("log.segment.bytes");
        assertEquals("2097152", inherited.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, inherited.source());
        assertEquals("2097152", describe(admin, defaults).get("log.segment.bytes").value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, describe(admin, defaults).get("log.segment.bytes").source());

        set(admin, node3, "log.segment.bytes", "3145728");
        await("node 3's own value wins there", 60, () -> cluster.log(3, "inherit", 0).config().segmentBytes() == 3145728);
        assertEquals(2097152, cluster.log(1, "inherit", 0).config().segmentBytes(), "the other nodes keep the default");
        ConfigEntry own = describe(admin, node3).get("log.segment.bytes");
        assertEquals("3145728", own.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG, own.source());
        admin.incrementalAlterConfigs(Map.of(node3, List.of(new AlterConfigOp(new ConfigEntry("log.segment.bytes", ""),
                AlterConfigOp.OpType.DELETE)))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        await("node 3 falls back to the cluster-wide default", 60,
                () -> cluster.log(3, "inherit", 0).config().segmentBytes() == 2097152);

        // Retention by time from the broker default deletes the old records of a topic that sets none.
        TopicPartition tp = new TopicPartition("inherit", 0);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("inherit", 0, hourAgo + i, null, "old" + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        assertEquals(0, earliest(admin, tp));
        set(admin, defaults, "log.retention.ms", "600000");
        await("every replica deleted the records past the default retention", 60, () -> cluster.servers.keySet().stream()
                .allMatch(id -> cluster.log(id, "inherit", 0).logStartOffset() == 10));
        assertEquals(10, earliest(admin, tp));
        ConfigEntry topicRetention = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "inherit")).get("retention.ms");
        assertEquals("600000", topicRetention.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, topicRetention.source(),
                "a topic config inherited from the cluster-wide default says so, as in Kafka");

        set(admin, defaults, "log.cleanup.policy", "delete");
        assertInstanceOf(InvalidConfigurationException.class, assertThrows(ExecutionException.class,
                () -> set(admin, defaults, "log.cleanup.policy", "compact")).getCause());
        assertInstanceOf(InvalidConfigurationException.class, assertThrows(ExecutionException.class,
                () -> set(admin, node1, "log.retention.ms", "soon")).getCause());
        assertInstanceOf(InvalidConfigurationException.class, assertThrows(ExecutionException.class,
                () -> set(admin, defaults, "log.segment.bytes", "4096")).getCause(),
                "a segment smaller than message.max.bytes could not hold the largest batch");
        assertInstanceOf(InvalidRequestException.class, assertThrows(ExecutionException.class,
                () -> set(admin, defaults, "num.io.threads", "4")).getCause(), "Kafka's answer for a key it cannot update");
        assertEquals("600000", describe(admin, defaults).get("log.retention.ms").value(), "refused changes changed nothing");

        // The legacy AlterConfigs (which AdminClient 4.x no longer sends) replaces the resource's dynamic configs whole.
        AlterConfigsRequestData legacy = new AlterConfigsRequestData();
        legacy.resources().add(new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.BROKER.id()).setResourceName("")
                .setConfigs(new AlterConfigsRequestData.AlterableConfigCollection(List.of(
                        new AlterConfigsRequestData.AlterableConfig().setName("log.retention.bytes").setValue("1073741824"))
                        .iterator())));
        try (Socket s = new Socket("127.0.0.1", cluster.servers.get(2).kafkaServers().get(0).port())) {
            s.setSoTimeout(30_000);
            AlterConfigsResponseData r = (AlterConfigsResponseData) RawKafka.call(s, ApiKeys.ALTER_CONFIGS, (short) 2, legacy);
            assertEquals(Errors.NONE.code(), r.responses().get(0).errorCode(), r.responses().get(0).errorMessage());
            await("every image holds only the legacy request's defaults", 30, () -> cluster.everyImage(
                    i -> i.clusterConfigs().equals(Map.of("log.retention.bytes", "1073741824"))));
            legacy.resources().iterator().next().configs().iterator().next().setValue("lots");
            r = (AlterConfigsResponseData) RawKafka.call(s, ApiKeys.ALTER_CONFIGS, (short) 2, legacy);
            assertEquals(Errors.INVALID_CONFIG.code(), r.responses().get(0).errorCode());
        }
        await("the inherited segment size is gone with the replaced defaults", 60, () -> cluster.servers.keySet().stream()
                .allMatch(id -> cluster.log(id, "inherit", 0).config().segmentBytes() == 1 << 30
                        && cluster.log(id, "inherit", 0).config().retentionBytes() == 1073741824L));
    }

    private static Config describe(Admin admin, ConfigResource r) throws Exception {
        return admin.describeConfigs(List.of(r)).all().get(TIMEOUT_S, TimeUnit.SECONDS).get(r);
    }

    private static void set(Admin admin, ConfigResource r, String key, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
                .all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static long earliest(Admin admin, TopicPartition tp) {
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get(TIMEOUT_S, TimeUnit.SECONDS)
                    .offset();
        } catch (Exception e) {
            return -1;
        }
    }
}
