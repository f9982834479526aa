package io.kayak.broker.network;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.replica.ReplicatedCluster;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Replica administration with the real AdminClient: DescribeLogDirs against every node. */
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

    private void startWithTopic(String topic, int partitions) {
        try {
            cluster = ReplicatedCluster.started(tmp, Map.of());
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
        startWithTopic("sized", 2);
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
}
