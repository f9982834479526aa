package io.kayak.log.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.log.LogConfig;
import io.kayak.log.LogDir;
import io.kayak.log.LogSlice;
import io.kayak.log.PartitionLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One partition replicated by a real three-member Ratis group, each member with its own real LogDir:
 * dense offsets in acknowledgement order, byte-identical replicas, idempotent retries answered with the
 * original offsets across a leader change, out-of-order sequences refused, and a stopped replica catching
 * up when it returns.
 */
@Tag("integration")
class PartitionReplicationTest {
    private static final long PRODUCER = 4242;

    @TempDir
    Path tmp;
    private final RaftGroupId groupId = RaftGroupId.valueOf(UUID.randomUUID());
    private final List<RaftPeer> peers = new ArrayList<>();
    private final Map<Integer, Replica> replicas = new TreeMap<>();
    private RaftClient client;
    /** Extra Ratis settings for a test; applied after the common ones. */
    private java.util.function.Consumer<RaftProperties> tuning = p -> { };

    private record Replica(LogDir dir, PartitionLog log, RaftServer server) {
        void close() throws IOException {
            server.close();
            dir.close();
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close();
        }
        for (Replica r : replicas.values()) {
            r.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void start(int id) throws IOException {
        LogDir dir = LogDir.open(tmp.resolve("node-" + id + "/logs"), LogConfig.defaults(), Clock.systemUTC(), null);
        PartitionLog log = dir.openLog("orders-0");
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(tmp.resolve("node-" + id + "/raft").toFile()));
        GrpcConfigKeys.Server.setPort(props, Integer.parseInt(peers.get(id - 1).getAddress().split(":")[1]));
        RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Log.StateMachineData.setCachingEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, 40);
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(props, false);
        RaftServerConfigKeys.Log.setLogMetadataEnabled(props, false); // as a node runs its partition groups: a
        // restarted replica knows no commit index until a leader tells it
        tuning.accept(props);
        RaftServer server = RaftServer.newBuilder().setServerId(RaftPeerId.valueOf("r" + id))
                .setGroup(RaftGroup.valueOf(groupId, peers)).setStateMachine(new PartitionStateMachine(log))
                .setProperties(props).setOption(RaftStorage.StartupOption.RECOVER).build();
        server.start();
        replicas.put(id, new Replica(dir, log, server));
    }

    /** Three members on ephemeral ports, and a client of the group. */
    private void startGroup() throws IOException {
        for (int id = 1; id <= 3; id++) {
            peers.add(RaftPeer.newBuilder().setId("r" + id).setAddress("127.0.0.1:" + freePort()).build());
        }
        for (int id = 1; id <= 3; id++) {
            start(id);
        }
        client = RaftClient.newBuilder().setRaftGroup(RaftGroup.valueOf(groupId, peers)).setProperties(new RaftProperties())
                .build();
    }

    private static ByteBuffer batch(int seq, int records) {
        SimpleRecord[] rs = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            rs[i] = new SimpleRecord(System.currentTimeMillis(), null, ("seq-" + (seq + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, PRODUCER, (short) 0, seq, rs).buffer();
    }

    private ProduceReply send(ByteBuffer batch) throws IOException {
        RaftClientReply reply = client.io().send(Message.valueOf(PartitionEntry.records(batch)));
        assertTrue(reply.isSuccess(), String.valueOf(reply.getException()));
        return ProduceReply.decode(reply.getMessage().getContent().asReadOnlyByteBuffer());
    }

    private static byte[] bytes(PartitionLog log) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogSlice s = log.read(next, 1 << 20, Long.MAX_VALUE);
            ByteBuffer b = s.copyBytes();
            out.write(b.array(), b.arrayOffset(), b.remaining());
            next = s.nextOffset();
        }
        return out.toByteArray();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** The Raft log keeps each records entry's header only; the batch bytes went into the partition log. */
    private void assertBatchesStayOutOfTheRaftLog(RaftServer server) throws Exception {
        org.apache.ratis.server.raftlog.RaftLog raftLog = server.getDivision(groupId).getRaftLog();
        int records = 0;
        for (long i = raftLog.getStartIndex(); i <= raftLog.getLastEntryTermIndex().getIndex(); i++) {
            org.apache.ratis.proto.RaftProtos.LogEntryProto e = raftLog.get(i);
            if (e != null && e.hasStateMachineLogEntry()) {
                records++;
                assertTrue(e.getSerializedSize() < 200, "entry " + i + " is " + e.getSerializedSize() + " bytes in the Raft log");
                assertTrue(e.getStateMachineLogEntry().getStateMachineEntry().getStateMachineData().isEmpty());
            }
        }
        assertTrue(records > 0, "some records entries are still in the Raft log to check");
    }

    private int leader() throws IOException {
        for (Map.Entry<Integer, Replica> r : replicas.entrySet()) {
            if (r.getValue().server().getDivision(groupId).getInfo().isLeader()) {
                return r.getKey();
            }
        }
        return -1;
    }

    @Test
    void replicasAssignTheSameOffsetsAndStayByteIdenticalAcrossALeaderChange() throws Exception {
        startGroup();

        int seq = 0;
        long expected = 0;
        List<ByteBuffer> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ByteBuffer b = batch(seq, 3);
            sent.add(b);
            ProduceReply r = send(b);
            assertEquals(new ProduceReply(ProduceError.NONE, expected, expected + 2, false, ""), r);
            expected += 3;
            seq += 3;
        }
        final long firstEnd = expected;
        await("every replica to apply", () -> replicas.values().stream().allMatch(r -> r.log().logEndOffset() == firstEnd));
        byte[] reference = bytes(replicas.get(1).log());
        for (Replica r : replicas.values()) {
            assertArrayEquals(reference, bytes(r.log()), "replicas hold byte-identical segments");
        }
        assertBatchesStayOutOfTheRaftLog(replicas.get(1).server());

        int oldLeader = leader();
        assertTrue(oldLeader > 0);
        replicas.remove(oldLeader).close();

        for (int i = 0; i < 30; i++) {
            ProduceReply r = send(batch(seq, 3));
            assertEquals(expected, r.firstOffset(), "offsets stay dense after the leader change");
            expected += 3;
            seq += 3;
        }
        ProduceReply retry = send(batch(seq - 3, 3));
        assertTrue(retry.duplicate(), "a retried batch is recognised after the leader change");
        assertEquals(expected - 3, retry.firstOffset(), "and answered with its original offsets");
        ProduceReply gap = send(batch(seq + 10, 3));
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, gap.error(), gap.message());

        start(oldLeader);
        final long end = expected;
        await("the returning replica to catch up", () -> replicas.values().stream().allMatch(r -> r.log().logEndOffset() == end));
        byte[] after = bytes(replicas.get(oldLeader).log());
        for (Replica r : replicas.values()) {
            assertArrayEquals(after, bytes(r.log()), "byte-identical after catch-up");
        }
        assertEquals(end, sent.size() * 3L + 30 * 3L);
    }

    /** One entry of several batches, as the leader coalesces produce requests. */
    private static ByteBuffer entry(ByteBuffer... batches) {
        ByteBuffer out = ByteBuffer.allocate(java.util.Arrays.stream(batches).mapToInt(ByteBuffer::remaining).sum());
        for (ByteBuffer b : batches) {
            out.put(b);
        }
        return out.flip();
    }

    private static ByteBuffer plainBatch(String value) {
        return MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), null, value.getBytes(StandardCharsets.UTF_8))).buffer();
    }

    @Test
    void multiBatchEntriesDeleteRecordsAndBadEntriesAreJudgedAlikeOnEveryReplica() throws Exception {
        startGroup();
        ByteBuffer two = ByteBuffer.allocate(plainBatch("a").remaining() + plainBatch("bb").remaining())
                .put(plainBatch("a")).put(plainBatch("bb")).flip();
        assertEquals(new ProduceReply(ProduceError.NONE, 0, 1, false, ""), send(two), "two plain batches in one entry");
        ByteBuffer truncated = plainBatch("c");
        truncated.limit(truncated.limit() - 3);
        assertEquals(ProduceError.INVALID_RECORD, send(truncated).error(), "a batch cut short is refused");
        assertEquals(ProduceError.INVALID_RECORD, send(entry(batch(0, 1), batch(2, 1))).error(),
                "idempotent batches share an entry only with consecutive sequences");
        assertEquals(ProduceError.INVALID_RECORD, send(entry(batch(0, 1), plainBatch("d"))).error(),
                "nor with other batches");

        // The leader coalesces consecutive requests of one producer: one entry, and each part is known on a retry.
        assertEquals(new ProduceReply(ProduceError.NONE, 2, 6, false, ""), send(entry(batch(0, 2), batch(2, 3))));
        assertEquals(new ProduceReply(ProduceError.NONE, 4, 6, true, ""), send(batch(2, 3)), "a retried second part");
        assertEquals(new ProduceReply(ProduceError.NONE, 2, 3, true, ""), send(batch(0, 2)), "a retried first part");
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, send(entry(batch(2, 3), batch(5, 1))).error(),
                "an entry that is part retry, part new is refused whole (the leader then sends its parts alone)");
        assertEquals(7, send(batch(5, 1)).firstOffset());

        RaftClientReply del = client.io().send(Message.valueOf(PartitionEntry.deleteRecords(3)));
        ProduceReply deleted = ProduceReply.decode(del.getMessage().getContent().asReadOnlyByteBuffer());
        assertEquals(3, deleted.firstOffset(), "the reply carries the new log start offset");
        RaftClientReply beyond = client.io().send(Message.valueOf(PartitionEntry.deleteRecords(99)));
        assertEquals(ProduceError.OFFSET_OUT_OF_RANGE,
                ProduceReply.decode(beyond.getMessage().getContent().asReadOnlyByteBuffer()).error());
        await("every replica to apply the deletion", () -> replicas.values().stream()
                .allMatch(r -> r.log().logStartOffset() == 3 && r.log().logEndOffset() == 8));
        byte[] reference = bytes(replicas.get(1).log());
        for (Replica r : replicas.values()) {
            assertArrayEquals(reference, bytes(r.log()));
        }
    }

    private void restartAll() throws IOException {
        for (int id = 1; id <= 3; id++) {
            replicas.remove(id).close();
        }
        for (int id = 1; id <= 3; id++) {
            start(id);
        }
    }

    private void awaitEveryLogEndsAt(long end) throws IOException {
        await("every replica's log to end at " + end, () -> replicas.values().stream().allMatch(r -> r.log().logEndOffset() == end));
        byte[] reference = bytes(replicas.get(1).log());
        for (Replica r : replicas.values()) {
            assertArrayEquals(reference, bytes(r.log()), "replicas hold byte-identical segments");
        }
    }

    /**
     * Appended entries are not journaled: a restarted replica pairs the records entries of its own Raft log with
     * the batches at its log tail. Only entries that appended nothing (a duplicate, a refusal) are journaled.
     */
    @Test
    void aRestartedGroupPairsItsLogTailWithItsRaftLogAndJournalsOnlyWhatAppendedNothing() throws Exception {
        tuning = p -> RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, false); // a stop like a crash's
        startGroup();
        ByteBuffer two = ByteBuffer.allocate(plainBatch("a").remaining() + plainBatch("bb").remaining())
                .put(plainBatch("a")).put(plainBatch("bb")).flip();
        assertEquals(0, send(two).firstOffset());
        long end = 2;
        int seq = 0;
        for (; seq < 10; seq++, end++) {
            assertEquals(end, send(batch(seq, 1)).firstOffset());
        }
        long coalescedAt = end;
        assertEquals(coalescedAt, send(entry(batch(seq, 1), batch(seq + 1, 2))).firstOffset(), "a coalesced entry");
        seq += 3;
        end += 3;
        assertEquals(new ProduceReply(ProduceError.NONE, 10, 10, true, ""), send(batch(8, 1)), "a duplicate");
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, send(entry(batch(12, 1), batch(13, 1))).error(),
                "part retry, part new: refused whole");
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, send(batch(50, 1)).error());
        awaitEveryLogEndsAt(end);
        for (Replica r : replicas.values()) {
            assertEquals(3L * EntryJournal.RECORD_BYTES, Files.size(r.log().dir().resolve("raft/entries.journal")),
                    "only the duplicate and the two refusals are journaled");
        }
        byte[] beforeRestart = bytes(replicas.get(1).log());

        restartAll(); // no snapshot was taken: every entry is paired again from the Raft log
        for (Replica r : replicas.values()) {
            assertArrayEquals(beforeRestart, bytes(r.log()), "the tail is kept whole, before any new write");
        }
        assertEquals(end, send(batch(seq++, 1)).firstOffset(), "offsets continue densely");
        end++;
        assertEquals(new ProduceReply(ProduceError.NONE, 9, 9, true, ""), send(batch(7, 1)),
                "a retry of a batch written before the restart gets its original offsets");
        assertEquals(ProduceError.OUT_OF_ORDER_SEQUENCE, send(batch(60, 1)).error());
        assertEquals(new ProduceReply(ProduceError.NONE, coalescedAt + 1, coalescedAt + 2, true, ""), send(batch(11, 2)),
                "a retry of a coalesced entry's part written before the restart gets its original offsets");

        for (int i = 0; i < 50; i++, seq++, end++) { // past the snapshot threshold: the restart pairs what follows it
            assertEquals(end, send(batch(seq, 1)).firstOffset());
        }
        awaitEveryLogEndsAt(end);
        restartAll();
        assertEquals(end, send(batch(seq, 1)).firstOffset());
        assertTrue(send(batch(seq - 2, 1)).duplicate());
        awaitEveryLogEndsAt(end + 1);
    }

    private int aFollower() throws IOException {
        int leader = leader();
        assertTrue(leader > 0, "the group has a leader");
        return replicas.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    private long leaderEnd() throws IOException {
        return replicas.get(leader()).log().logEndOffset();
    }

    /** The log's bytes from {@code from} on, for comparing replicas whose log starts differ. */
    private static byte[] bytesFrom(PartitionLog log, long from) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long next = from;
        while (next < log.logEndOffset()) {
            LogSlice s = log.read(next, 1 << 20, Long.MAX_VALUE);
            ByteBuffer b = s.copyBytes();
            out.write(b.array(), b.arrayOffset(), b.remaining());
            next = s.nextOffset();
        }
        return out.toByteArray();
    }

    private void awaitCaughtUp(int id) {
        await("replica " + id + " to catch up", () -> {
            try {
                return replicas.get(id).log().logEndOffset() == leaderEnd()
                        && replicas.values().stream().allMatch(r -> r.log().logEndOffset() == replicas.get(id).log().logEndOffset());
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void aFollowerBehindTheLeadersLogStartSkipsTheDeletedBatchesAndKeepsProducerState() throws Exception {
        startGroup();
        int seq = 0;
        for (int i = 0; i < 5; i++, seq += 2) {
            send(batch(seq, 2));
        }
        int down = aFollower();
        replicas.remove(down).close();
        for (int i = 0; i < 25; i++, seq += 2) {
            send(batch(seq, 2));
        }
        // Retention on the replicas that stayed up: batches the returning follower still needs are gone.
        long retainedFrom = 40;
        for (Replica r : replicas.values()) {
            r.log().deleteRecordsBefore(retainedFrom);
        }
        start(down);
        awaitCaughtUp(down);
        PartitionLog returned = replicas.get(down).log();
        assertEquals(60, returned.logEndOffset());
        assertTrue(returned.logStartOffset() >= retainedFrom, "its log restarted past the deleted batches: "
                + returned.logStartOffset());
        int leader = leader();
        assertArrayEquals(bytesFrom(replicas.get(leader).log(), returned.logStartOffset()),
                bytesFrom(returned, returned.logStartOffset()), "the same bytes from its new log start on");

        // The producer state of the skipped entries came along: once it leads, a retry of one is still a duplicate.
        RaftClientReply transfer = client.admin().transferLeadership(RaftPeerId.valueOf("r" + down), 10_000);
        assertTrue(transfer.isSuccess(), String.valueOf(transfer.getException()));
        await("replica " + down + " to lead", () -> {
            try {
                return leader() == down;
            } catch (IOException e) {
                return false;
            }
        });
        ProduceReply retry = send(batch(seq - 2, 2));
        assertTrue(retry.duplicate(), "a retried batch is recognised on every replica");
        assertEquals(58, retry.firstOffset());
        assertEquals(60, send(batch(seq, 2)).firstOffset());
    }

    @Test
    void aFollowerWhoseEntriesWerePurgedInstallsTheLogFromTheLeader() throws Exception {
        tuning = p -> {
            RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
            RaftServerConfigKeys.Log.setPurgeGap(p, 1);
            RaftServerConfigKeys.Log.setSegmentSizeMax(p, org.apache.ratis.util.SizeInBytes.valueOf("2KB"));
        };
        startGroup();
        int seq = 0;
        for (int i = 0; i < 10; i++, seq += 2) {
            send(batch(seq, 2));
        }
        int down = aFollower();
        long before = replicas.get(down).log().logEndOffset();
        replicas.remove(down).close();
        for (int i = 0; i < 150; i++, seq += 2) {
            send(batch(seq, 2));
        }
        int leader = leader();
        long raftStart = replicas.get(leader).server().getDivision(groupId).getRaftLog().getStartIndex();
        assertTrue(raftStart > 20, "the leader purged the entries the follower needs (its Raft log starts at " + raftStart + ")");

        start(down);
        awaitCaughtUp(down);
        assertTrue(before > 0);
        assertArrayEquals(bytes(replicas.get(leader()).log()), bytes(replicas.get(down).log()),
                "the installed log is the leader's, byte for byte");
        // The install appends the batches before it records the state and deletes its ready file: wait for the end.
        java.nio.file.Path ready = replicas.get(down).log().dir().resolve(LogInstall.READY);
        await("the install's ready file deleted", () -> !java.nio.file.Files.exists(ready));

        // Again, with the leader's log start beyond everything the follower has: it restarts its log there.
        replicas.remove(down).close();
        for (int i = 0; i < 100; i++, seq += 2) {
            send(batch(seq, 2));
        }
        long retainedFrom = leaderEnd() - 20;
        for (Replica r : replicas.values()) {
            r.log().deleteRecordsBefore(retainedFrom);
        }
        for (int i = 0; i < 100; i++, seq += 2) {
            send(batch(seq, 2));
        }
        start(down);
        awaitCaughtUp(down);
        PartitionLog returned = replicas.get(down).log();
        assertEquals(replicas.get(leader()).log().logStartOffset(), returned.logStartOffset());
        assertArrayEquals(bytes(replicas.get(leader()).log()), bytes(returned));
        assertEquals((long) seq, returned.logEndOffset());
        assertTrue(send(batch(seq - 2, 2)).duplicate(), "producer state arrived with the installed log");
    }
}
