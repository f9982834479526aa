package io.kayak.broker.replica;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.KayakServer;
import io.kayak.metadata.PartitionImage;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.OffsetResult;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.PartitionService;
import io.kayak.network.service.ReadResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiescence on three real nodes: an idle, fully replicated partition stops its Raft group on every replica, its
 * leader keeps serving reads up to the recorded high watermark, and the next write wakes it and lands right after
 * what was there; a quiesced partition whose leader dies is led, still quiesced, by another replica.
 */
class QuiescenceTest {
    private static final String TOPIC = "quiet";
    private static final int PARTITIONS = 3;

    @TempDir
    Path tmp;
    private ReplicatedCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ByteBuffer batch(long producerId, int batchNo) {
        SimpleRecord[] rs = new SimpleRecord[2];
        for (int i = 0; i < rs.length; i++) {
            rs[i] = new SimpleRecord(System.currentTimeMillis(), null, ("b" + batchNo + "-r" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, batchNo * rs.length, rs).buffer();
    }

    private PartitionImage image(int p) {
        return cluster.partition(TOPIC, p).orElseThrow();
    }

    /** Every running node's image records the partitions quiesced, and every node hosting them stopped their groups. */
    private boolean allQuiesced() {
        return cluster.everyImage(i -> i.topic(TOPIC).orElseThrow().partitions().stream().allMatch(PartitionImage::quiesced))
                && cluster.servers.values().stream().allMatch(s -> s.replicaManager() != null
                && s.replicaManager().hostedPartitions().size() == PARTITIONS && s.replicaManager().hostedPartitions().stream()
                .filter(tp -> tp.topic().equals(TOPIC)).allMatch(tp -> s.replicaManager().isQuiesced(tp)
                        && s.replicaManager().raftStatus(tp).isEmpty()));
    }

    private List<Long> appendBatches(int partition, long producerId, int from, int count) {
        List<Long> bases = new ArrayList<>();
        TopicPartition tp = new TopicPartition(TOPIC, partition);
        for (int b = from; b < from + count; b++) {
            AppendResult r = cluster.appendWithRetries(tp, batch(producerId, b), 60);
            assertEquals(PartitionError.NONE, r.error(), String.valueOf(r));
            bases.add(r.baseOffset());
        }
        return bases;
    }

    @Test
    void anIdlePartitionStopsItsGroupEverywhereServesReadsAndTheNextWriteWakesIt() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of(ReplicationConfig.QUIESCE_MS, "1000"));
        cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of());
        for (int p = 0; p < PARTITIONS; p++) {
            assertEquals(List.of(0L, 2L, 4L), appendBatches(p, 100 + p, 0, 3));
        }

        await("every partition quiesced on every node", 60, this::allQuiesced);
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionImage img = image(p);
            assertEquals(6, img.quiescedHighWatermark(), "the recorded high watermark is the end of what was written");
            assertEquals(List.of(1, 2, 3), img.isr().stream().sorted().toList(), "quiescing keeps the full ISR");
            PartitionService leader = cluster.servers.get(img.leader()).partitionService();
            TopicPartition tp = new TopicPartition(TOPIC, p);
            ReadResult read = leader.read(tp, 0, 1 << 20, img.leaderEpoch());
            assertEquals(PartitionError.NONE, read.error());
            assertEquals(6, read.highWatermark());
            assertEquals(3, countBatches(read), "the quiesced leader serves everything below its high watermark");
            OffsetResult latest = leader.listOffset(tp, -1L);
            assertEquals(6, latest.offset());
            int follower = img.replicas().stream().filter(n -> n != img.leader()).findFirst().orElseThrow();
            assertEquals(PartitionError.NOT_LEADER, cluster.servers.get(follower).partitionService()
                    .read(tp, 0, 1 << 20, -1).error(), "a follower still refers readers to the recorded leader");
        }
        assertEquals(PARTITIONS, cluster.servers.values().stream().mapToInt(s -> s.replicaManager().leaderCount()).sum(),
                "quiesced partitions still count for their leader");

        // A write wakes partition 0: it lands right after the quiesced end, and the partition quiesces again later.
        PartitionImage before = image(0);
        TopicPartition tp0 = new TopicPartition(TOPIC, 0);
        AppendResult first = cluster.servers.get(before.leader()).partitionService()
                .append(tp0, batch(100, 3), io.kayak.network.service.Acks.ALL, 30_000).get();
        // The write waits until the woken group has a leader: it lands, or (another replica won the election) it
        // names the new leader, as any leader change does; it is not left timing out or without a leader.
        assertTrue(first.error() == PartitionError.NONE
                || first.error() == PartitionError.NOT_LEADER && before.replicas().contains(first.leaderHint()), String.valueOf(first));
        AppendResult woken = first.error() == PartitionError.NONE ? first : cluster.appendWithRetries(tp0, batch(100, 3), 60);
        assertEquals(6, woken.baseOffset());
        await("the woken group's leader published in a new term", 30, () -> image(0).leaderEpoch() > before.leaderEpoch());
        assertEquals(List.of(8L, 10L), appendBatches(0, 100, 4, 2));
        await("partition 0 quiesced again", 60, this::allQuiesced);
        assertEquals(12, image(0).quiescedHighWatermark());
        assertEquals(6, image(1).quiescedHighWatermark(), "the other partitions stayed asleep");
        assertIdenticalReplicas(0);
    }

    @Test
    void aQuiescedPartitionWhoseLeaderDiesMovesToAnotherReplicaAsleepAndARestartedNodeSleepsAgain() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of(ReplicationConfig.QUIESCE_MS, "1000"));
        cluster.createTopic(TOPIC, PARTITIONS, 3, Map.of());
        for (int p = 0; p < PARTITIONS; p++) {
            appendBatches(p, 200 + p, 0, 2);
        }
        await("every partition quiesced on every node", 60, this::allQuiesced);

        // A graceful restart of a node: its divisions start from disk, then stop again because the image says so.
        int restarted = image(1).replicas().stream().filter(n -> n != image(1).leader()).findFirst().orElseThrow();
        cluster.stop(restarted);
        cluster.start(restarted);
        await("the restarted node stops its quiesced groups again", 60, this::allQuiesced);

        // The quiesced leader of partition 0 dies: once its broker is fenced, the next replica of the ISR serves the
        // partition, still quiesced (no election, no wake-up: every replica holds the same log).
        PartitionImage asleep = image(0);
        int dead = asleep.leader();
        cluster.crash(dead);
        await("partition 0 led by another replica without node " + dead, 60, () -> {
            PartitionImage p = image(0);
            return p.leader() >= 0 && p.leader() != dead && !p.isr().contains(dead);
        });
        PartitionImage moved = image(0);
        // The image above is one node's; the read below goes to the new leader, which must have applied the move too.
        await("every live node's image has node " + moved.leader() + " leading partition 0", 30, () -> cluster.everyImage(i ->
                i.topic(TOPIC).map(t -> t.partitions().get(0).leader() == moved.leader()).orElse(false)));
        assertTrue(moved.quiesced(), "moving the leadership of a quiesced partition does not wake it");
        assertEquals(asleep.quiescedHighWatermark(), moved.quiescedHighWatermark());
        TopicPartition tp0 = new TopicPartition(TOPIC, 0);
        ReadResult read = cluster.servers.get(moved.leader()).partitionService().read(tp0, 0, 1 << 20, moved.leaderEpoch());
        assertEquals(PartitionError.NONE, read.error(), "read from node " + moved.leader() + ": " + read);
        assertEquals(2, countBatches(read), "the new recorded leader serves what was written");

        // A write wakes it on the two live replicas and continues right after the quiesced end.
        assertEquals(List.of(4L), appendBatches(0, 200, 2, 1), "the woken group continues at the quiesced end");

        cluster.start(dead);
        await("node " + dead + " back in partition 0's ISR and everything quiesced again", 120, () ->
                image(0).isr().size() == 3 && allQuiesced());
        assertEquals(6, image(0).quiescedHighWatermark());
        assertIdenticalReplicas(0);
        assertIdenticalReplicas(1);
    }

    private static int countBatches(ReadResult read) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(read.records().length());
        read.records().channel().read(b, read.records().position());
        b.flip();
        int n = 0;
        for (RecordBatch ignored : MemoryRecords.readableRecords(b).batches()) {
            n++;
        }
        return n;
    }

    private void assertIdenticalReplicas(int p) throws Exception {
        byte[] first = null;
        for (KayakServer s : cluster.servers.values()) {
            byte[] bytes = ReplicatedCluster.bytes(s.replicaManager()
                    .log(new io.kayak.metadata.TopicPartition(TOPIC, p)).orElseThrow());
            if (first == null) {
                first = bytes;
            } else {
                assertArrayEquals(first, bytes, "replicas of partition " + p + " differ");
            }
        }
        assertFalse(first == null || first.length == 0);
    }
}
