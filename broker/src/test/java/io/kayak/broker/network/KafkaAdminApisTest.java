package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Topic administration with the real Java AdminClient: create (plain, validate-only, explicit assignment),
 * Kafka's error codes for duplicates, bad names, too-high replication factors and bad configs, list,
 * describe, add partitions, alter and describe configs, delete records and delete topics.
 */
@Tag("integration")
class KafkaAdminApisTest extends ClusterTest {
    private static final long TIMEOUT_S = 30;

    private Admin admin;

    @AfterEach
    void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }


    private static Throwable cause(ExecutionException e) {
        return e.getCause();
    }

    private TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(topic);
    }

    private boolean led(String topic, int partitions) {
        return cluster.ready(topic, partitions) && cluster.everyImage(i -> i.topic(topic).orElseThrow().partitions().stream()
                .allMatch(p -> p.isr().size() == p.replicas().size()));
    }

    @Test
    void topicsAreCreatedDescribedGrownConfiguredTrimmedAndDeleted() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        admin = Admin.create(p);

        admin.createTopics(List.of(new NewTopic("alpha", 3, (short) 3),
                new NewTopic("assigned", Map.of(0, List.of(1, 2, 3), 1, List.of(3, 1, 2)))))
                .all().get(TIMEOUT_S, TimeUnit.SECONDS);
        admin.createTopics(List.of(new NewTopic("dry", 2, (short) 3)), new CreateTopicsOptions().validateOnly(true))
                .all().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(Optional.empty(), cluster.image().topic("dry"), "validate-only creates nothing");
        await("topics led", 60, () -> led("alpha", 3) && led("assigned", 2));
        TopicDescription assigned = describe("assigned");
        assertEquals(List.of(1, 2, 3), ids(assigned.partitions().get(0).replicas()));
        assertEquals(List.of(3, 1, 2), ids(assigned.partitions().get(1).replicas()));

        assertInstanceOf(TopicExistsException.class, cause(assertThrows(ExecutionException.class, () ->
                admin.createTopics(List.of(new NewTopic("alpha", 1, (short) 1))).all().get(TIMEOUT_S, TimeUnit.SECONDS))));
        assertInstanceOf(InvalidTopicException.class, cause(assertThrows(ExecutionException.class, () ->
                admin.createTopics(List.of(new NewTopic("bad name!", 1, (short) 1))).all().get(TIMEOUT_S, TimeUnit.SECONDS))));
        assertInstanceOf(InvalidReplicationFactorException.class, cause(assertThrows(ExecutionException.class, () ->
                admin.createTopics(List.of(new NewTopic("too-wide", 1, (short) 5))).all().get(TIMEOUT_S, TimeUnit.SECONDS))));
        assertInstanceOf(InvalidConfigurationException.class, cause(assertThrows(ExecutionException.class, () ->
                admin.createTopics(List.of(new NewTopic("bad-config", 1, (short) 1).configs(Map.of("segment.bytes", "100"))))
                        .all().get(TIMEOUT_S, TimeUnit.SECONDS))));
        assertEquals(java.util.Set.of("alpha", "assigned"), admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS));

        admin.createPartitions(Map.of("alpha", NewPartitions.increaseTo(5))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        await("alpha grown to 5 led partitions", 60, () -> led("alpha", 5));
        assertEquals(5, describe("alpha").partitions().size());

        ConfigResource alpha = new ConfigResource(ConfigResource.Type.TOPIC, "alpha");
        admin.incrementalAlterConfigs(Map.of(alpha, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "3600000"),
                AlterConfigOp.OpType.SET)))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        Config described = admin.describeConfigs(List.of(alpha)).all().get(TIMEOUT_S, TimeUnit.SECONDS).get(alpha);
        assertEquals("3600000", described.get("retention.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, described.get("retention.ms").source());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, described.get("segment.bytes").source());
        assertInstanceOf(InvalidConfigurationException.class, cause(assertThrows(ExecutionException.class, () ->
                admin.incrementalAlterConfigs(Map.of(alpha, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "soon"),
                        AlterConfigOp.OpType.SET)))).all().get(TIMEOUT_S, TimeUnit.SECONDS))));

        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        long baseTs = System.currentTimeMillis(); // recent: alpha's retention.ms must not delete the records
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                // Record 6 carries the largest timestamp, record 8 the same one again: MAX_TIMESTAMP names the first.
                long ts = baseTs + (i == 6 || i == 8 ? 1_000_000 : i);
                producer.send(new ProducerRecord<>("alpha", 0, ts, null, "r" + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        TopicPartition alpha0 = new TopicPartition("alpha", 0);
        ListOffsetsResultInfo max = admin.listOffsets(Map.of(alpha0, OffsetSpec.maxTimestamp())).partitionResult(alpha0)
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(6, max.offset(), "the first record with the largest timestamp, not the earliest offset");
        assertEquals(baseTs + 1_000_000, max.timestamp());
        assertEquals(3, admin.listOffsets(Map.of(alpha0, OffsetSpec.forTimestamp(baseTs + 3))).partitionResult(alpha0)
                .get(TIMEOUT_S, TimeUnit.SECONDS).offset());
        long low = admin.deleteRecords(Map.of(alpha0, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(alpha0)
                .get(TIMEOUT_S, TimeUnit.SECONDS).lowWatermark();
        assertEquals(4, low);

        admin.deleteTopics(List.of("assigned")).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        await("assigned gone", 60, () -> {
            try {
                return !admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).contains("assigned");
            } catch (Exception e) {
                return false;
            }
        });
        // The admin client's broker has applied the deletion; the other nodes apply it a moment later.
        await("assigned gone from every node's image", 60, () -> cluster.everyImage(i -> i.topic("assigned").isEmpty()));
        assertTrue(admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS).contains("alpha"));
    }

    private static List<Integer> ids(Collection<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }
}
