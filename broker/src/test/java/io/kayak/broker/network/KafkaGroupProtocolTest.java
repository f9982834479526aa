package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.replica.ReplicatedCluster;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The group protocol at the wire: requests a broken or confused client could send get Kafka's error codes and
 * leave the group working; and librdkafka's balanced consumer (kcat -G) consumes a topic as a group member.
 */
@Tag("integration")
class KafkaGroupProtocolTest extends ClusterTest {

    @Test
    void badGroupRequestsGetKafkasErrorsAndTheGroupKeepsWorking() throws Exception {
        cluster = ReplicatedCluster.started(tmp, KafkaConsumerGroupTest.GROUP_SETTINGS);
        cluster.createTopic("tasks", 2, 3, Map.of());
        String group = "raw-group";
        int coordinator = cluster.servers.get(1).groupCoordinator().coordinator(group);
        int port = cluster.servers.get(coordinator).kafkaServers().get(0).port();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            JoinGroupResponseData tooShort = (JoinGroupResponseData) RawKafka.call(s, ApiKeys.JOIN_GROUP, (short) 5, join(group, "", 10));
            assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), tooShort.errorCode(), "a 10 ms session is below the minimum");
            JoinGroupResponseData tooLong = (JoinGroupResponseData) RawKafka.call(s, ApiKeys.JOIN_GROUP, (short) 5,
                    join(group, "", 1_800_001));
            assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), tooLong.errorCode(),
                    "a session 1 ms above group.max.session.timeout.ms (default 30 min)");

            JoinGroupResponseData required = (JoinGroupResponseData) RawKafka.call(s, ApiKeys.JOIN_GROUP, (short) 5, join(group, "", 10_000));
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), required.errorCode());
            String memberId = required.memberId();
            assertTrue(memberId.startsWith("raw-"), memberId);
            JoinGroupResponseData joined = (JoinGroupResponseData) RawKafka.call(s, ApiKeys.JOIN_GROUP, (short) 5,
                    join(group, memberId, 10_000));
            assertEquals(Errors.NONE.code(), joined.errorCode());
            assertEquals(memberId, joined.leader(), "the only member leads");
            int generation = joined.generationId();

            SyncGroupResponseData wrongGeneration = (SyncGroupResponseData) RawKafka.call(s, ApiKeys.SYNC_GROUP, (short) 3,
                    sync(group, memberId, generation + 7));
            assertEquals(Errors.ILLEGAL_GENERATION.code(), wrongGeneration.errorCode());
            SyncGroupResponseData synced = (SyncGroupResponseData) RawKafka.call(s, ApiKeys.SYNC_GROUP, (short) 3,
                    sync(group, memberId, generation));
            assertEquals(Errors.NONE.code(), synced.errorCode());
            assertEquals("mine", new String(synced.assignment(), StandardCharsets.UTF_8));

            OffsetCommitResponseData ghost = (OffsetCommitResponseData) RawKafka.call(s, ApiKeys.OFFSET_COMMIT, (short) 7,
                    commit(group, "ghost", generation, 5));
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), ghost.topics().get(0).partitions().get(0).errorCode());
            OffsetCommitResponseData stale = (OffsetCommitResponseData) RawKafka.call(s, ApiKeys.OFFSET_COMMIT, (short) 7,
                    commit(group, memberId, generation - 1, 5));
            assertEquals(Errors.ILLEGAL_GENERATION.code(), stale.topics().get(0).partitions().get(0).errorCode());

            HeartbeatResponseData alive = (HeartbeatResponseData) RawKafka.call(s, ApiKeys.HEARTBEAT, (short) 3,
                    new HeartbeatRequestData().setGroupId(group).setMemberId(memberId).setGenerationId(generation));
            assertEquals(Errors.NONE.code(), alive.errorCode(), "the member survived its bad requests");
            OffsetCommitResponseData good = (OffsetCommitResponseData) RawKafka.call(s, ApiKeys.OFFSET_COMMIT, (short) 7,
                    commit(group, memberId, generation, 42));
            assertEquals(Errors.NONE.code(), good.topics().get(0).partitions().get(0).errorCode());
        }
        try (Admin admin = KafkaGroupOffsetsTest.admin(cluster.bootstrap())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertEquals(Map.of(new TopicPartition("tasks", 0), 42L),
                    Map.of(new TopicPartition("tasks", 0), offsets.get(new TopicPartition("tasks", 0)).offset()),
                    "only the member's own commit was stored");
        }
    }

    /**
     * FindCoordinator asked of every node, batched (v4) and one key at a time (v3, v0): all nodes name the same
     * coordinator for each group, a live broker at its own listener; after a node crashes the survivors agree on a
     * live one again. Transaction coordinators do not exist: INVALID_REQUEST, which a transactional producer treats
     * as fatal at once (COORDINATOR_NOT_AVAILABLE would make it retry until max.block.ms).
     */
    @Test
    void everyNodeNamesTheSameLiveCoordinatorForEachGroupAndNoTransactionCoordinator() throws Exception {
        cluster = ReplicatedCluster.started(tmp, KafkaConsumerGroupTest.GROUP_SETTINGS);
        List<String> groups = java.util.stream.IntStream.range(0, 12).mapToObj(i -> "orders-" + i).toList();
        Map<String, Integer> placement = agreedCoordinators(groups);
        assertTrue(new HashSet<>(placement.values()).size() > 1, "the groups are spread over the nodes: " + placement);

        int victim = placement.get("orders-0");
        cluster.crash(victim);
        ReplicatedCluster.await("the survivors agree on live coordinators", 30, () -> {
            try {
                return !agreedCoordinators(groups).containsValue(victim);
            } catch (AssertionError e) {
                return false; // still disagreeing or not yet moved: ask again
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Map<String, Integer> after = agreedCoordinators(groups);
        placement.forEach((g, node) -> {
            if (node != victim) {
                assertEquals(node, after.get(g), g + " was not on the crashed node: it stays where it was");
            }
        });

        int port = cluster.servers.values().iterator().next().kafkaServers().get(0).port();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            FindCoordinatorResponseData batched = (FindCoordinatorResponseData) RawKafka.call(s, ApiKeys.FIND_COORDINATOR,
                    (short) 4, new FindCoordinatorRequestData().setKeyType((byte) 1).setCoordinatorKeys(List.of("tx-a", "tx-b")));
            assertEquals(2, batched.coordinators().size());
            for (FindCoordinatorResponseData.Coordinator c : batched.coordinators()) {
                assertEquals(Errors.INVALID_REQUEST.code(), c.errorCode(), c.toString());
                assertEquals(-1, c.nodeId());
            }
            FindCoordinatorResponseData single = (FindCoordinatorResponseData) RawKafka.call(s, ApiKeys.FIND_COORDINATOR,
                    (short) 3, new FindCoordinatorRequestData().setKeyType((byte) 1).setKey("tx-a"));
            assertEquals(Errors.INVALID_REQUEST.code(), single.errorCode());
        }
        Map<String, Object> pp = Map.of("bootstrap.servers", cluster.bootstrap(), "transactional.id", "tx-a",
                "max.block.ms", "60000");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(pp,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            long started = System.nanoTime();
            org.apache.kafka.common.KafkaException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.apache.kafka.common.KafkaException.class, producer::initTransactions);
            assertTrue(e.getMessage().contains("Kayak has no transaction coordinator"), e.toString());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "failed at once, not at max.block.ms");
        }
    }

    /**
     * Asks every running node for the coordinator of each group, batched and singly; asserts they all agree, without
     * error, on a running node at that node's listener; returns group -> coordinator.
     */
    private Map<String, Integer> agreedCoordinators(List<String> groups) throws IOException {
        Map<String, Integer> agreed = new HashMap<>();
        for (var server : cluster.servers.values()) {
            try (Socket s = new Socket("127.0.0.1", server.kafkaServers().get(0).port())) {
                s.setSoTimeout(30_000);
                FindCoordinatorResponseData batched = (FindCoordinatorResponseData) RawKafka.call(s, ApiKeys.FIND_COORDINATOR,
                        (short) 4, new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(groups));
                assertEquals(groups, batched.coordinators().stream().map(FindCoordinatorResponseData.Coordinator::key).toList());
                for (FindCoordinatorResponseData.Coordinator c : batched.coordinators()) {
                    assertEquals(Errors.NONE.code(), c.errorCode(), c.toString());
                    assertLiveListener(c.nodeId(), c.host(), c.port());
                    Integer before = agreed.putIfAbsent(c.key(), c.nodeId());
                    assertEquals(before == null ? c.nodeId() : before, c.nodeId(), "nodes disagree on " + c.key());
                }
                for (int i = 0; i < groups.size(); i++) {
                    String g = groups.get(i);
                    short version = (short) (i % 2 == 0 ? 3 : 0);
                    FindCoordinatorRequestData req = new FindCoordinatorRequestData().setKey(g);
                    FindCoordinatorResponseData one = (FindCoordinatorResponseData) RawKafka.call(s, ApiKeys.FIND_COORDINATOR,
                            version, version >= 1 ? req.setKeyType((byte) 0) : req);
                    assertEquals(Errors.NONE.code(), one.errorCode(), one.toString());
                    assertEquals(agreed.get(g), one.nodeId(), "v" + version + " and v4 disagree on " + g);
                    assertLiveListener(one.nodeId(), one.host(), one.port());
                }
            }
        }
        return agreed;
    }

    private void assertLiveListener(int nodeId, String host, int port) {
        var server = cluster.servers.get(nodeId);
        assertTrue(server != null, "node " + nodeId + " is not running");
        assertEquals("127.0.0.1:" + server.kafkaServers().get(0).port(), host + ":" + port);
    }

    @Test
    void kcatsBalancedConsumerConsumesATopicAsAGroupMember() throws Exception {
        cluster = ReplicatedCluster.started(tmp, KafkaConsumerGroupTest.GROUP_SETTINGS);
        cluster.createTopic("lines", 3, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        KafkaConsumerGroupTest.produce(bootstrap, "lines", 300, 0);
        Path out = tmp.resolve("kcat.out");
        Process kcat = startKcat(out, "-u", "-b", bootstrap, "-G", "kcat-group", "-X", "auto.offset.reset=earliest",
                "-f", "%p %o %s\\n", "lines");
        try {
            ReplicatedCluster.await("kcat printed all 300 records", 90, () -> lines(out).size() >= 300);
        } finally {
            kcat.destroy(); // SIGTERM: kcat commits and leaves the group
            if (!kcat.waitFor(30, TimeUnit.SECONDS)) {
                kcat.destroyForcibly();
                fail("kcat did not stop on SIGTERM");
            }
        }
        // kcat is the group's only member and joins once (one assignment, no rebalance), so nothing is redelivered:
        // every record exactly once, and each partition's offsets dense from 0.
        List<String> got = lines(out);
        Map<String, Integer> times = new HashMap<>();
        got.forEach(l -> times.merge(l.substring(l.lastIndexOf(' ') + 1), 1, Integer::sum));
        Map<String, Integer> once = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            once.put("value-" + i, 1);
        }
        assertEquals(once, times, "every record exactly once");
        assertEquals(300, got.size(), "one line per record");
        Map<String, List<Long>> offsets = new HashMap<>();
        got.forEach(l -> offsets.computeIfAbsent(l.split(" ")[0], p -> new ArrayList<>()).add(Long.parseLong(l.split(" ")[1])));
        offsets.forEach((p, os) -> assertEquals(java.util.stream.LongStream.range(0, os.size()).boxed().toList(), os,
                "partition " + p + " in offset order from 0"));
        assertEquals(1, readAll(out).lines().filter(l -> l.contains("rebalanced") && l.contains("assigned")).count(),
                "kcat was assigned partitions once: " + readAll(out));
        try (Admin admin = KafkaGroupOffsetsTest.admin(bootstrap)) {
            ReplicatedCluster.await("kcat's group committed the end of every partition", 30, () -> {
                try {
                    long sum = admin.listConsumerGroupOffsets("kcat-group").partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS).values().stream().mapToLong(OffsetAndMetadata::offset).sum();
                    return sum == 300;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void theAdminClientListsDescribesAndDeletesGroups() throws Exception {
        cluster = ReplicatedCluster.started(tmp, KafkaConsumerGroupTest.GROUP_SETTINGS);
        cluster.createTopic("billing", 4, 3, Map.of());
        cluster.createTopic("archive", 1, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        KafkaConsumerGroupTest.produce(bootstrap, "billing", 400, 0);
        List<GroupConsumer> members = new ArrayList<>(List.of(new GroupConsumer("bill-0", bootstrap, "billers", "billing"),
                new GroupConsumer("bill-1", bootstrap, "billers", "billing")));
        try (Admin admin = KafkaGroupOffsetsTest.admin(bootstrap)) {
            KafkaConsumerGroupTest.awaitBalanced(members, 4, "two billers");
            ReplicatedCluster.await("the billers consumed everything", 60, () -> KafkaConsumerGroupTest.total(members) >= 400);
            // a consumer with manual assignment commits under its own group id: an Empty group with offsets
            try (var manual = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(Map.of(
                    "bootstrap.servers", bootstrap, "group.id", "archivist"), new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.StringDeserializer())) {
                manual.assign(List.of(new TopicPartition("archive", 0)));
                manual.commitSync(Map.of(new TopicPartition("archive", 0), new OffsetAndMetadata(0, "start")));
            }

            Map<String, org.apache.kafka.common.GroupState> listed = new java.util.HashMap<>();
            admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)
                    .forEach(g -> listed.put(g.groupId(), g.groupState().orElseThrow()));
            assertEquals(Map.of("billers", org.apache.kafka.common.GroupState.STABLE, "archivist",
                    org.apache.kafka.common.GroupState.EMPTY), listed);

            assertEquals(Set.of(new TopicPartition("archive", 0)), admin.listConsumerGroupOffsets("archivist")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).keySet());
            admin.deleteTopics(List.of("archive")).all().get(30, TimeUnit.SECONDS);
            ReplicatedCluster.await("the archivist's committed offset went with the deleted topic", 30, () -> {
                try {
                    return admin.listConsumerGroupOffsets("archivist").partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS).isEmpty();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            var d = admin.describeConsumerGroups(List.of("billers")).describedGroups().get("billers").get(30, TimeUnit.SECONDS);
            assertEquals(org.apache.kafka.common.GroupState.STABLE, d.groupState());
            assertEquals("range", d.partitionAssignor());
            assertEquals(2, d.members().size());
            Set<TopicPartition> assigned = new HashSet<>();
            for (var m : d.members()) {
                assertTrue(m.clientId().startsWith("bill-"), m.clientId());
                assertEquals("/127.0.0.1", m.host());
                assertEquals(2, m.assignment().topicPartitions().size(), m.toString());
                assigned.addAll(m.assignment().topicPartitions());
            }
            assertEquals(4, assigned.size());

            var busy = admin.deleteConsumerGroups(List.of("billers")).all();
            assertEquals(org.apache.kafka.common.errors.GroupNotEmptyException.class,
                    assertThrowsCause(() -> busy.get(30, TimeUnit.SECONDS)).getClass());
            var subscribed = admin.deleteConsumerGroupOffsets("billers", Set.of(new TopicPartition("billing", 0))).all();
            assertEquals(org.apache.kafka.common.errors.GroupSubscribedToTopicException.class,
                    assertThrowsCause(() -> subscribed.get(30, TimeUnit.SECONDS)).getClass());

            KafkaConsumerGroupTest.closeAll(members);
            ReplicatedCluster.await("the billers group is empty", 30, () -> {
                try {
                    return admin.describeConsumerGroups(List.of("billers")).describedGroups().get("billers")
                            .get(30, TimeUnit.SECONDS).groupState() == org.apache.kafka.common.GroupState.EMPTY;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            admin.deleteConsumerGroupOffsets("billers", Set.of(new TopicPartition("billing", 0))).all().get(30, TimeUnit.SECONDS);
            assertEquals(Set.of(new TopicPartition("billing", 1), new TopicPartition("billing", 2), new TopicPartition("billing", 3)),
                    admin.listConsumerGroupOffsets("billers").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).keySet());
            admin.deleteConsumerGroups(List.of("billers", "archivist")).all().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(), admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(org.apache.kafka.clients.admin.ConsumerGroupListing::groupId).toList());
            assertTrue(admin.listConsumerGroupOffsets("billers").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS).isEmpty());
        } finally {
            KafkaConsumerGroupTest.closeAll(members);
        }
    }

    private static Throwable assertThrowsCause(org.junit.jupiter.api.function.Executable call) {
        Throwable t = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class, call);
        return t.getCause();
    }

    private static Process startKcat(Path out, String... args) {
        List<String> cmd = new ArrayList<>(List.of("kcat"));
        cmd.addAll(List.of(args));
        try {
            return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("kcat is needed for this test: apt-get install kcat (.ci/run installs it)", e);
        }
    }

    private static String readAll(Path out) {
        try {
            return Files.readString(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> lines(Path out) {
        try {
            return Files.readAllLines(out).stream().filter(l -> l.matches("\\d+ \\d+ value-\\d+")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static JoinGroupRequestData join(String group, String memberId, int sessionMs) {
        JoinGroupRequestData j = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setSessionTimeoutMs(sessionMs).setRebalanceTimeoutMs(10_000).setProtocolType("consumer");
        j.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("raw").setMetadata(new byte[]{1}));
        return j;
    }

    private static SyncGroupRequestData sync(String group, String memberId, int generation) {
        return new SyncGroupRequestData().setGroupId(group).setMemberId(memberId).setGenerationId(generation)
                .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(memberId)
                        .setAssignment("mine".getBytes(StandardCharsets.UTF_8))));
    }

    private static OffsetCommitRequestData commit(String group, String memberId, int generation, long offset) {
        return new OffsetCommitRequestData().setGroupId(group).setMemberId(memberId).setGenerationIdOrMemberEpoch(generation)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("tasks").setPartitions(List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset)))));
    }
}
