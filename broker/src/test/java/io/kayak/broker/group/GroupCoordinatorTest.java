package io.kayak.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.kayak.broker.replica.ReplicatedCluster;
import io.kayak.metadata.ApplyResult;
import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.record.CreateTopicRecord;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.statemachine.RecordApplier;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService.CommitRequest;
import io.kayak.network.service.GroupService.JoinRequest;
import io.kayak.network.service.GroupService.JoinResult;
import io.kayak.network.service.GroupService.Offset;
import io.kayak.network.service.GroupService.Protocol;
import io.kayak.network.service.GroupService.SyncRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator over an in-memory stand-in for the metadata quorum (the real {@link RecordApplier} on an image
 * held here) and a hand-driven clock: offset retention for empty groups. The retention check is called directly
 * (its timer is set to an hour).
 */
class GroupCoordinatorTest {
    private static final long RETENTION_MS = 60_000;
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final AtomicReference<MetadataImage> image = new AtomicReference<>(initialImage());
    private final RecordApplier applier = new RecordApplier();
    private final GroupCoordinator coordinator = new GroupCoordinator(1,
            new GroupConfig(1_000, 600_000, 0, 100, RETENTION_MS, TimeUnit.HOURS.toMillis(1), 100), image::get, this::apply, clock::get,
            new MetricRegistry());

    @AfterEach
    void close() {
        coordinator.close();
    }

    private static MetadataImage initialImage() {
        MetadataImage i = MetadataImage.EMPTY.withBrokers(Map.of(1, new BrokerRegistration(1, UUID.randomUUID(),
                List.of(new Endpoint("PLAINTEXT", "h", 9092)), null, Long.MAX_VALUE, false)));
        return new RecordApplier().apply(i, new CreateTopicRecord("t", UUID.randomUUID(), List.of(List.of(1), List.of(1)),
                Map.of())).image();
    }

    private synchronized ApplyResult apply(MetadataRecord r) {
        RecordApplier.Outcome o = applier.apply(image.get(), r);
        if (!o.result().accepted()) {
            throw new MetadataRejectedException(o.result().code(), o.result().message());
        }
        image.set(o.image());
        return o.result();
    }

    private Map<TopicPartition, GroupError> commit(String group, int generation, String member, long offset) throws Exception {
        return coordinator.commit(new CommitRequest(group, generation, member, null,
                Map.of(new TopicPartition("t", 0), new Offset(offset, -1, "")))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void commitsOutsideAGenerationAreJudgedAsKafkaDoes() throws Exception {
        TopicPartition tp = new TopicPartition("t", 0);
        assertEquals(Map.of(tp, GroupError.ILLEGAL_GENERATION), commit("nobody", 3, "someone", 5),
                "a generation of a group that does not exist (Kafka before OffsetCommit v9)");
        assertTrue(image.get().offsets("nobody").isEmpty());
        assertTrue(coordinator.listGroups().stream().noneMatch(g -> g.groupId().equals("nobody")), "nothing was created");

        assertEquals(Map.of(tp, GroupError.NONE), commit("simple", -1, "standalone-7", 5),
                "generation -1 creates a simple group, whatever the member id");
        assertEquals(5, image.get().offsets("simple").values().iterator().next().offset());
        assertEquals(Map.of(tp, GroupError.NONE), commit("simple", -1, "another-one", 6), "and it stays Empty");
        assertEquals(Map.of(tp, GroupError.UNKNOWN_MEMBER_ID), commit("simple", 0, "standalone-7", 7),
                "the group exists: a generation is checked against its members");

        GroupCoordinator successor = new GroupCoordinator(1, new GroupConfig(1_000, 600_000, 0, 100, RETENTION_MS,
                TimeUnit.HOURS.toMillis(1), 100), image::get, this::apply, clock::get, new MetricRegistry());
        try {
            assertEquals(GroupError.UNKNOWN_MEMBER_ID, successor.commit(new CommitRequest("simple", 0, "standalone-7", null,
                    Map.of(tp, new Offset(8, -1, "")))).get(10, TimeUnit.SECONDS).get(tp),
                    "a coordinator that knows the group only by its recorded offsets also treats it as existing");
        } finally {
            successor.close();
        }
        assertEquals(6, image.get().offsets("simple").values().iterator().next().offset(), "only the simple commits stored");
    }

    @Test
    void offsetsOfAGroupEmptyForTheRetentionPeriodAreDeletedOthersAreKept() throws Exception {
        assertEquals(Map.of(new TopicPartition("t", 0), GroupError.NONE), commit("idle", -1, "", 5));
        JoinResult member = coordinator.join(new JoinRequest("busy", "", null, "c", "/h", 600_000, 10_000, "consumer",
                List.of(new Protocol("range", new byte[0])), false)).get(10, TimeUnit.SECONDS);
        assertEquals(GroupError.NONE, member.error());
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, commit("busy", member.generation(), member.memberId(), 7)
                .get(new TopicPartition("t", 0)), "no commits before the assignment is synced");
        assertEquals(GroupError.NONE, coordinator.sync(new SyncRequest("busy", member.generation(), member.memberId(), null,
                null, null, Map.of())).get(10, TimeUnit.SECONDS).error());
        assertEquals(GroupError.NONE, commit("busy", member.generation(), member.memberId(), 7).get(new TopicPartition("t", 0)));

        clock.addAndGet(RETENTION_MS - 1);
        coordinator.expireOffsets();
        commit("busy", member.generation(), member.memberId(), 7); // queued behind any deletion the check asked for
        assertFalse(image.get().offsets("idle").isEmpty(), "not expired a millisecond early");

        clock.addAndGet(2);
        coordinator.expireOffsets();
        ReplicatedCluster.await("the idle group's offsets expired", 10, () -> image.get().offsets("idle").isEmpty());
        assertEquals(7, image.get().offsets("busy").values().iterator().next().offset(), "a group with members keeps them");
        assertTrue(coordinator.listGroups().stream().noneMatch(g -> g.groupId().equals("idle")));
    }
}
