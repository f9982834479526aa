package io.kayak.broker.replica;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.KayakServer;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.PartitionError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer probe on three real nodes: with election timeouts far longer than the wait below, a crashed leader's
 * partitions still get new leaders, so the elections came from the probe noticing the dead node's Raft port,
 * not from Ratis's timeouts.
 */
class PeerProbeTest {
    private static final String TOPIC = "probed";

    @TempDir
    Path tmp;
    private ReplicatedCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ByteBuffer batch(int n) {
        return MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), null, ("r" + n).getBytes(StandardCharsets.UTF_8))).buffer();
    }

    private int runningLeader(int partition) {
        io.kayak.metadata.TopicPartition tp = new io.kayak.metadata.TopicPartition(TOPIC, partition);
        for (Map.Entry<Integer, KayakServer> e : cluster.servers.entrySet()) {
            if (e.getValue().replicaManager() != null && e.getValue().replicaManager().isLeader(tp)) {
                return e.getKey();
            }
        }
        return -1;
    }

    @Test
    void aCrashedLeadersPartitionsElectAtOnceWithoutWaitingForTheirElectionTimeout() throws Exception {
        // A follower would wait 30-60 s for its election timeout; the waits below are far shorter.
        cluster = ReplicatedCluster.started(tmp, Map.of(
                ReplicationConfig.ELECTION_TIMEOUT_MIN_MS, "30000",
                ReplicationConfig.ELECTION_TIMEOUT_MAX_MS, "60000",
                ReplicationConfig.REPLICA_LAG_TIME_MAX_MS, "90000",
                ReplicationConfig.QUIESCE_MS, "0"));
        cluster.createTopic(TOPIC, 3, 3, Map.of());
        TopicPartition tp0 = new TopicPartition(TOPIC, 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(PartitionError.NONE, cluster.appendWithRetries(tp0, batch(i), 60).error());
        }
        int dead = runningLeader(0);
        assertTrue(dead > 0);
        long ledByDead = java.util.stream.IntStream.range(0, 3).filter(p -> runningLeader(p) == dead).count();

        cluster.crash(dead);
        await("every partition node " + dead + " led has a new leader", 20, () ->
                java.util.stream.IntStream.range(0, 3).allMatch(p -> runningLeader(p) > 0));
        long forced = cluster.servers.values().stream().mapToLong(s -> s.replicaManager().forcedElections()).sum();
        assertEquals(ledByDead, forced, "one early election per partition the dead node led, by one follower each");

        AppendResult after = cluster.appendWithRetries(tp0, batch(5), 20);
        assertEquals(PartitionError.NONE, after.error(), String.valueOf(after));
        assertEquals(5, after.baseOffset(), "the new leader continues right after what was acknowledged");

        cluster.start(dead);
        await("node " + dead + " back in the ISR of partition 0", 120, () ->
                cluster.partition(TOPIC, 0).orElseThrow().isr().size() == 3);
    }
}
