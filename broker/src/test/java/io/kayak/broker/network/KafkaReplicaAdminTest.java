package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Replica administration with the real AdminClient: DescribeLogDirs against every node; ElectLeaders moving a
 * partition's leadership back to its preferred replica, not needed when it already leads, unclean refused.
 */
@Tag("integration")
class KafkaReplicaAdminTest extends ClusterTest {
    private static final long TIMEOUT_S = 30;

    private Admin admin;

    @AfterEach
    void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    private void startWithTopic(String topic, int partitions, Map<String, String> extra) {
        try {
            cluster = ReplicatedCluster.started(tmp, extra);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        cluster.createTopic(topic, partitions, 3, Map.of());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        admin = Admin.create(p);
    }

    @Test
    void everyNodeReportsItsDataDirectoryWithTheSizeOfEachReplica() throws Exception {
        startWithTopic("sized", 2, Map.of());
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("sized", i % 2, null, "value-" + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        await("every replica holds every batch", 60, () -> cluster.servers.keySet().stream().allMatch(id ->
                cluster.log(id, "sized", 0).logEndOffset() == 10 && cluster.log(id, "sized", 1).logEndOffset() == 10));

        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(List.of(1, 2, 3)).allDescriptions()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of(1, 2, 3), dirs.keySet());
        for (int id = 1; id <= 3; id++) {
            Path expected = cluster.configs.get(id).logDirs().get(0).toAbsolutePath();
            Map<String, LogDirDescription> node = dirs.get(id);
            assertEquals(java.util.Set.of(expected.toString()), node.keySet(), "node " + id + " has one data directory");
            LogDirDescription d = node.get(expected.toString());
            assertEquals(null, d.error());
            assertTrue(d.totalBytes().isPresent() && d.totalBytes().getAsLong() > 0, "total bytes of node " + id);
            assertTrue(d.usableBytes().isPresent(), "usable bytes of node " + id);
            for (int p = 0; p < 2; p++) {
                ReplicaInfo r = d.replicaInfos().get(new TopicPartition("sized", p));
                long size = cluster.log(id, "sized", p).sizeInBytes();
                assertTrue(size > 0);
                assertEquals(size, r.size(), "node " + id + " partition " + p);
                assertEquals(0, r.offsetLag());
                assertFalse(r.isFuture());
            }
        }
    }

    private int leader(String topic) {
        return cluster.partition(topic, 0).map(p -> p.leader()).orElse(-1);
    }

    @Test
    void preferredElectionMovesLeadershipBackAndIsNotNeededOnceItLeads() throws Exception {
        startWithTopic("elect", 1, Map.of("auto.leader.rebalance.enable", "false"));
        TopicPartition tp = new TopicPartition("elect", 0);
        int preferred = cluster.partition("elect", 0).orElseThrow().replicas().get(0);
        if (leader("elect") == preferred) {
            assertInstanceOf(ElectionNotNeededException.class, electionError(ElectionType.PREFERRED, tp));
            cluster.stop(preferred);
            await("another replica leads", 60, () -> cluster.everyImage(i -> {
                int l = i.topic("elect").orElseThrow().partitions().get(0).leader();
                return l >= 0 && l != preferred;
            }));
            cluster.start(preferred);
        }
        await("the preferred replica is back in the ISR, not leading", 60, () -> cluster.servers.size() == 3
                && cluster.ready("elect", 1) && cluster.everyImage(i -> i.topic("elect").orElseThrow().partitions().get(0).isr().size() == 3)
                && leader("elect") != preferred);

        assertEquals(null, electionError(ElectionType.PREFERRED, tp), "the preferred replica took over");
        await("every node sees the preferred replica lead", 60, () -> cluster.everyImage(i ->
                i.topic("elect").orElseThrow().partitions().get(0).leader() == preferred));
        assertInstanceOf(ElectionNotNeededException.class, electionError(ElectionType.PREFERRED, tp));
        Throwable unclean = electionError(ElectionType.UNCLEAN, tp);
        assertInstanceOf(ElectionNotNeededException.class, unclean);
        assertTrue(unclean.getMessage().contains("never elects an unclean leader"), unclean.getMessage());
    }

    /** The error ElectLeaders reported for the partition, or null. */
    private Throwable electionError(ElectionType type, TopicPartition tp) throws Exception {
        return admin.electLeaders(type, Set.of(tp)).partitions().get(TIMEOUT_S * 2, TimeUnit.SECONDS).get(tp).orElse(null);
    }
}
