package io.kayak.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.metadata.record.AllocateProducerIdsRecord;
import io.kayak.metadata.record.BrokerHeartbeatRecord;
import io.kayak.metadata.record.CommitOffsetsRecord;
import io.kayak.metadata.record.DeleteGroupOffsetsRecord;
import io.kayak.metadata.record.GroupStateRecord;
import io.kayak.metadata.record.CreatePartitionsRecord;
import io.kayak.metadata.record.CreateTopicRecord;
import io.kayak.metadata.record.DeleteTopicRecord;
import io.kayak.metadata.record.FenceExpiredBrokersRecord;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.record.PartitionLeaderRecord;
import io.kayak.metadata.record.PartitionQuiesceRecord;
import io.kayak.metadata.record.RegisterBrokerRecord;
import io.kayak.metadata.statemachine.RecordApplier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The deterministic validation and apply rules, one record at a time. */
class RecordApplierTest {
    private final RecordApplier applier = new RecordApplier();
    private final UUID inc = UUID.randomUUID();

    private MetadataImage apply(MetadataImage image, MetadataRecord r, MetadataErrorCode expected) {
        RecordApplier.Outcome o = applier.apply(image, r);
        assertEquals(expected, o.result().code(), o.result().message());
        if (expected != MetadataErrorCode.NONE) {
            assertSame(image, o.image(), "a refused record changes nothing");
        }
        return o.image();
    }

    private MetadataImage threeBrokers() {
        MetadataImage image = MetadataImage.EMPTY;
        for (int id = 1; id <= 3; id++) {
            image = apply(image, new RegisterBrokerRecord(id, inc, List.of(new Endpoint("PLAINTEXT", "h", 9000 + id)), null,
                    1000, 5000), MetadataErrorCode.NONE);
        }
        return image;
    }

    private static CreateTopicRecord topic(String name, List<List<Integer>> assignment) {
        return new CreateTopicRecord(name, UUID.randomUUID(), assignment, Map.of());
    }

    @Test
    void topicNamesFollowKafkasRules() {
        MetadataImage image = threeBrokers();
        for (String bad : List.of("", ".", "..", "a/b", "spaces here", "x".repeat(250))) {
            apply(image, topic(bad, List.of(List.of(1))), MetadataErrorCode.INVALID_TOPIC_NAME);
        }
        apply(image, topic("Good.name_with-all-9", List.of(List.of(1))), MetadataErrorCode.NONE);
    }

    @Test
    void assignmentsMustNameLiveDistinctBrokersWithOneReplicationFactor() {
        MetadataImage image = threeBrokers();
        apply(image, topic("t", List.of()), MetadataErrorCode.INVALID_PARTITIONS);
        apply(image, topic("t", List.of(List.of(1, 1))), MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT);
        apply(image, topic("t", List.of(List.of(1, 9))), MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT);
        apply(image, topic("t", List.of(List.of(1, 2), List.of(3))), MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT);
        MetadataImage fenced = apply(image, new FenceExpiredBrokersRecord(10_000), MetadataErrorCode.NONE);
        assertTrue(fenced.broker(2).orElseThrow().fenced());
        apply(fenced, topic("t", List.of(List.of(1, 2))), MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT);
    }

    @Test
    void deletingATopicRemovesItsCommittedOffsetsOnly() {
        MetadataImage image = threeBrokers();
        image = apply(image, topic("a", List.of(List.of(1))), MetadataErrorCode.NONE);
        image = apply(image, topic("b", List.of(List.of(2))), MetadataErrorCode.NONE);
        image = apply(image, new CommitOffsetsRecord("g", List.of(new CommittedOffset("a", 0, 5, 1, "", 1),
                new CommittedOffset("b", 0, 6, 1, "", 1))), MetadataErrorCode.NONE);
        image = apply(image, new DeleteTopicRecord("a"), MetadataErrorCode.NONE);
        assertEquals(Map.of(new TopicPartition("b", 0), new CommittedOffset("b", 0, 6, 1, "", 1)), image.offsets("g"));
        apply(image, new DeleteTopicRecord("a"), MetadataErrorCode.UNKNOWN_TOPIC);
        apply(image, new CommitOffsetsRecord("g", List.of(new CommittedOffset("a", 0, 5, 1, "", 1))),
                MetadataErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void groupsWithMembersKeepTheirOffsetsAndEmptyGroupsCanBeDeleted() {
        MetadataImage image = apply(threeBrokers(), topic("a", List.of(List.of(1), List.of(2))), MetadataErrorCode.NONE);
        image = apply(image, new CommitOffsetsRecord("g", List.of(new CommittedOffset("a", 0, 5, -1, "", 1),
                new CommittedOffset("a", 1, 9, -1, "", 1))), MetadataErrorCode.NONE);
        GroupImage.Member m = new GroupImage.Member("m-1", null, "c", "/h", 10_000, 30_000, new byte[]{1}, new byte[]{2});
        image = apply(image, new GroupStateRecord(new GroupImage("g", "consumer", "range", 1, "m-1", 5, List.of(m))),
                MetadataErrorCode.NONE);
        assertEquals(List.of(m), image.group("g").orElseThrow().members());
        apply(image, new DeleteGroupOffsetsRecord("g", true, List.of()), MetadataErrorCode.NON_EMPTY_GROUP);
        image = apply(image, new DeleteGroupOffsetsRecord("g", false, List.of(new TopicPartition("a", 0))), MetadataErrorCode.NONE);
        assertEquals(Set.of(new TopicPartition("a", 1)), image.offsets("g").keySet());
        image = apply(image, new GroupStateRecord(new GroupImage("g", "consumer", "", 2, "", 6, List.of())), MetadataErrorCode.NONE);
        image = apply(image, new DeleteGroupOffsetsRecord("g", true, List.of()), MetadataErrorCode.NONE);
        assertTrue(image.offsets("g").isEmpty());
        assertTrue(image.group("g").isEmpty());
        apply(image, new DeleteGroupOffsetsRecord("g", true, List.of()), MetadataErrorCode.UNKNOWN_GROUP);
        apply(image, new GroupStateRecord(new GroupImage("", "consumer", "", 2, "", 6, List.of())), MetadataErrorCode.INVALID_REQUEST);
    }

    @Test
    void partitionsGrowWithTheTopicsReplicationFactor() {
        MetadataImage image = apply(threeBrokers(), topic("t", List.of(List.of(1, 2))), MetadataErrorCode.NONE);
        image = apply(image, new CreatePartitionsRecord("t", List.of(List.of(2, 3), List.of(3, 1))), MetadataErrorCode.NONE);
        assertEquals(3, image.topic("t").orElseThrow().partitions().size());
        apply(image, new CreatePartitionsRecord("t", List.of(List.of(1))), MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT);
        apply(image, new CreatePartitionsRecord("nope", List.of(List.of(1, 2))), MetadataErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void leaderReportsWithAnOlderEpochAreStale() {
        MetadataImage image = apply(threeBrokers(), topic("t", List.of(List.of(1, 2, 3))), MetadataErrorCode.NONE);
        UUID id = image.topic("t").orElseThrow().topicId();
        image = apply(image, new PartitionLeaderRecord(id, 0, 2, 5, List.of(2, 1)), MetadataErrorCode.NONE);
        PartitionImage p = image.topic("t").orElseThrow().partitions().get(0);
        assertEquals(2, p.leader());
        assertEquals(5, p.leaderEpoch());
        apply(image, new PartitionLeaderRecord(id, 0, 1, 4, List.of(1)), MetadataErrorCode.STALE_LEADER_EPOCH);
        apply(image, new PartitionLeaderRecord(id, 0, 9, 6, List.of(9)), MetadataErrorCode.INVALID_REPLICA_ASSIGNMENT);
    }

    @Test
    void leasesFenceAndHeartbeatsUnfence() {
        MetadataImage image = threeBrokers(); // leases end at 6000
        image = apply(image, new BrokerHeartbeatRecord(1, inc, 4000, 5000), MetadataErrorCode.NONE); // broker 1 until 9000
        image = apply(image, new FenceExpiredBrokersRecord(7000), MetadataErrorCode.NONE);
        assertFalse(image.broker(1).orElseThrow().fenced());
        assertTrue(image.broker(2).orElseThrow().fenced());
        image = apply(image, new BrokerHeartbeatRecord(2, inc, 7500, 5000), MetadataErrorCode.NONE);
        assertFalse(image.broker(2).orElseThrow().fenced());
        apply(image, new BrokerHeartbeatRecord(7, inc, 7500, 5000), MetadataErrorCode.UNKNOWN_BROKER);
    }

    @Test
    void producerIdBlocksNeverOverlap() {
        MetadataImage image = threeBrokers();
        RecordApplier.Outcome a = applier.apply(image, new AllocateProducerIdsRecord(1, 1000));
        RecordApplier.Outcome b = applier.apply(a.image(), new AllocateProducerIdsRecord(2, 1000));
        assertEquals(0, a.result().value());
        assertEquals(1000, b.result().value());
        assertEquals(2000, b.image().nextProducerId());
        apply(image, new AllocateProducerIdsRecord(9, 10), MetadataErrorCode.UNKNOWN_BROKER);
        apply(image, new AllocateProducerIdsRecord(1, 0), MetadataErrorCode.INVALID_REQUEST);
    }

    @Test
    void onlyTheRecordedLeaderQuiescesAFullyReplicatedPartitionAndAWriteOrAFencedReplicaWakesIt() throws Exception {
        MetadataImage image = apply(threeBrokers(), topic("t", List.of(List.of(1, 2, 3), List.of(2, 3, 1))), MetadataErrorCode.NONE);
        UUID id = image.topic("t").orElseThrow().topicId();
        image = apply(image, new PartitionLeaderRecord(id, 0, 1, 4, List.of(1, 2, 3)), MetadataErrorCode.NONE);
        image = apply(image, new PartitionLeaderRecord(id, 1, 2, 3, List.of(2, 3)), MetadataErrorCode.NONE);

        apply(image, new PartitionQuiesceRecord(id, 0, 2, 4, true, 10), MetadataErrorCode.STALE_LEADER_EPOCH);
        apply(image, new PartitionQuiesceRecord(id, 0, 1, 3, true, 10), MetadataErrorCode.STALE_LEADER_EPOCH);
        apply(image, new PartitionQuiesceRecord(id, 1, 2, 3, true, 10), MetadataErrorCode.INVALID_REQUEST); // 1 out of the ISR
        apply(image, new PartitionQuiesceRecord(id, 0, 1, 4, true, -5), MetadataErrorCode.INVALID_REQUEST);
        apply(image, new PartitionQuiesceRecord(id, 2, 1, 4, true, 10), MetadataErrorCode.INVALID_PARTITIONS);
        apply(image, new PartitionQuiesceRecord(UUID.randomUUID(), 0, 1, 4, true, 10), MetadataErrorCode.UNKNOWN_TOPIC);

        MetadataImage quiesced = apply(image, new PartitionQuiesceRecord(id, 0, 1, 4, true, 10), MetadataErrorCode.NONE);
        PartitionImage p = quiesced.topic("t").orElseThrow().partitions().get(0);
        assertTrue(p.quiesced());
        assertEquals(10, p.quiescedHighWatermark());
        assertEquals(1, p.leader(), "quiescing keeps the leader");
        assertEquals(List.of(1, 2, 3), p.isr(), "quiescing keeps the ISR");
        assertFalse(quiesced.topic("t").orElseThrow().partitions().get(1).quiesced());

        byte[] snapshot = snapshot(quiesced);
        MetadataImage back = MetadataImage.readFrom(new java.io.DataInputStream(new java.io.ByteArrayInputStream(snapshot)));
        assertEquals(quiesced.topics(), back.topics(), "the quiesced high watermark survives a snapshot");
        assertArrayEquals(snapshot, snapshot(back));

        MetadataImage woken = apply(quiesced, PartitionQuiesceRecord.wake(id, 0), MetadataErrorCode.NONE);
        assertFalse(woken.topic("t").orElseThrow().partitions().get(0).quiesced());
        assertEquals(woken.topics(), apply(woken, PartitionQuiesceRecord.wake(id, 0), MetadataErrorCode.NONE).topics(),
                "waking a running partition changes nothing");

        // Two replicas still running while the third stopped may elect a leader; it does not lead a quiesced partition.
        apply(quiesced, new PartitionLeaderRecord(id, 0, 2, 5, List.of(2, 3, 1)), MetadataErrorCode.INVALID_REQUEST);
        MetadataImage reelected = apply(woken, new PartitionLeaderRecord(id, 0, 2, 5, List.of(2, 3, 1)), MetadataErrorCode.NONE);
        assertEquals(2, reelected.topic("t").orElseThrow().partitions().get(0).leader(), "after a wake-up leaders report as usual");

        // Broker 3's lease (ends 6000) runs out while brokers 1 and 2 heartbeat: a follower of partition 0.
        MetadataImage live = apply(quiesced, new BrokerHeartbeatRecord(1, inc, 4000, 5000), MetadataErrorCode.NONE);
        live = apply(live, new BrokerHeartbeatRecord(2, inc, 4000, 5000), MetadataErrorCode.NONE);
        MetadataImage followerFenced = apply(live, new FenceExpiredBrokersRecord(7000), MetadataErrorCode.NONE);
        assertTrue(followerFenced.broker(3).orElseThrow().fenced());
        PartitionImage p0 = followerFenced.topic("t").orElseThrow().partitions().get(0);
        assertTrue(p0.quiesced(), "a fenced follower does not wake the partition");
        assertEquals(1, p0.leader());
        assertEquals(List.of(1, 2), p0.isr(), "the fenced follower leaves the ISR");
        apply(followerFenced, new PartitionQuiesceRecord(id, 0, 1, 4, true, 10), MetadataErrorCode.INVALID_REQUEST);

        // Now its leader, broker 1, is fenced too: broker 2, next in assignment order and in the ISR, leads it,
        // still quiesced, at the same epoch and high watermark.
        MetadataImage leaderFenced = apply(apply(followerFenced, new BrokerHeartbeatRecord(2, inc, 8000, 5000),
                MetadataErrorCode.NONE), new FenceExpiredBrokersRecord(10_000), MetadataErrorCode.NONE);
        p0 = leaderFenced.topic("t").orElseThrow().partitions().get(0);
        assertTrue(p0.quiesced());
        assertEquals(2, p0.leader());
        assertEquals(4, p0.leaderEpoch());
        assertEquals(10, p0.quiescedHighWatermark());
        assertEquals(List.of(2), p0.isr());

        // And with broker 2 gone as well nobody can serve it: it is woken for Raft to sort out.
        MetadataImage allFenced = apply(leaderFenced, new FenceExpiredBrokersRecord(20_000), MetadataErrorCode.NONE);
        assertFalse(allFenced.topic("t").orElseThrow().partitions().get(0).quiesced());
    }

    private static byte[] snapshot(MetadataImage image) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream d = new java.io.DataOutputStream(out)) {
            image.writeTo(d);
        }
        return out.toByteArray();
    }
}
