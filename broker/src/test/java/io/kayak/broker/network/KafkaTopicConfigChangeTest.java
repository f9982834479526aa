package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kayak.broker.replica.ReplicatedCluster;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Topic config changes reach the partition logs already open on every replica: lowering {@code retention.bytes}
 * of a topic with data moves its log start (seen through ListOffsets earliest) on all three nodes, and a new
 * {@code segment.bytes} is what every open log then uses; compaction is refused, {@code cleanup.policy=delete}
 * accepted.
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
        }
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
