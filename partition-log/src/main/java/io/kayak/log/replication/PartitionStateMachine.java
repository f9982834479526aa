package io.kayak.log.replication;

import io.kayak.log.AppendInfo;
import io.kayak.log.BatchTooLargeException;
import io.kayak.log.InvalidBatchException;
import io.kayak.log.LogClosedException;
import io.kayak.log.LogOfflineException;
import io.kayak.log.LogSlice;
import io.kayak.log.PartitionLog;
import io.kayak.log.batch.BatchValidator;
import io.kayak.log.batch.RecordBatchHeader;
import io.kayak.log.internal.Checks;
import java.io.IOException;
import java.nio.ByteBuffer;
import io.kayak.log.OffsetOutOfRangeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachine;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of one partition's replica group, with the batch bytes written once per replica:
 * they travel as Ratis state machine data ({@link StateMachine.DataApi}) and go straight into the partition
 * log; the Raft log keeps only a small {@link RecordsHeader} per entry.
 *
 * <p><b>Write</b> (every replica, in Raft log order, as the entry is appended to the local Raft log): the
 * entry is judged against the producer state of everything written so far (duplicate, refused, or append),
 * appended to the partition log at the next offsets, its batches stamped with the entry's term as partition
 * leader epoch (outside the CRC), and the outcome recorded in memory; an outcome that appended nothing (duplicate,
 * refusal) or came as GONE is also appended to the {@link EntryJournal}. The same entries in the same order give
 * the same outcomes and byte-identical logs on every replica. The log therefore holds an uncommitted tail above
 * the high watermark, like Kafka's log end offset. <b>Flush</b> fsyncs the log, and the journal when it has new
 * records; Ratis calls it before it fsyncs its own log, so an entry that is durable in the Raft log always has its
 * batch (or its journal record) durable too. A flush of appended entries fsyncs one file of this state machine.
 * <b>Truncate</b> (a new leader overwrote uncommitted entries) cuts the log back and rebuilds the write-side
 * producer state from the applied one. <b>Read</b> serves the batch bytes to followers (from the leader's pending
 * transaction while it exists, else from the segments).
 *
 * <p><b>Apply</b> (once committed) only moves the high watermark to the entry's last offset, updates the
 * applied producer state and answers the client with the outcome decided at write time. Nothing at or above
 * the high watermark is ever served. DeleteRecords entries carry no data and act at apply time.
 *
 * <p><b>Durable state</b>: at each Ratis snapshot the log's state blob records a {@link RecordedState} (applied
 * term and index, high watermark, applied producer state) and the log is fsynced; the journal is then rewritten
 * to the outcomes of the entries still in the Raft log (a follower may ask for any of them). On start, the records
 * entries of the replica's own Raft log above the recorded index ({@link LocalRaftLog}, read before Ratis opens
 * the log) are paired in order with the log tail after the recorded high watermark: a journaled entry takes its
 * recorded outcome, any other appended the next batches, which must match its header. The part of the tail no
 * entry covers (written, never made durable in the Raft log) is cut off.
 * Ratis then replays the applies after the recorded index, and the leader re-sends anything the Raft log lost.
 *
 * <p><b>Catching up past the leader's log start</b>: an entry whose batches the leader's retention deleted is
 * sent as a GONE marker with the leader's outcome; the follower records it and restarts its log after those
 * offsets. A follower that needs entries the leader purged is told so by Ratis (install notification mode) and
 * installs the leader's committed log and recorded state ({@link LogInstall}), answering the leader's side of
 * that through {@link #query}.
 *
 * <p>Thread model: write, truncate and read come from Ratis's log threads, apply and snapshots from its
 * state machine updater, queries from its server threads, an install runs on a thread of its own; all state is
 * guarded by one lock, which an install holds only while it applies the downloaded file. The log belongs to the creator, which closes it
 * after the Ratis server; the journal belongs to this state machine.
 */
public final class PartitionStateMachine extends BaseStateMachine implements StateMachine.DataApi {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionStateMachine.class);
    private static final String JOURNAL = "raft/entries.journal";
    /** What a follower is sent for an entry whose write appended nothing (duplicate or refusal). */
    private static final ByteString NO_BATCH = UnsafeByteOperations.unsafeWrap(new byte[] {0});
    /**
     * Leads what a follower is sent for an entry whose batches the leader's retention deleted: the marker byte and
     * the leader's {@link WrittenEntry}. Shorter than any record batch, so never mistaken for one.
     */
    private static final byte GONE = 2;
    private static final int GONE_BYTES = 1 + WrittenEntry.BYTES;

    private final PartitionLog log;
    private final ReplicaEvents events;
    private final boolean fsync;
    private final Object lock = new Object();
    private final BatchValidator validator = new BatchValidator();
    private final TreeMap<Long, WrittenEntry> written = new TreeMap<>();
    private ProducerStateTable appliedProducers = new ProducerStateTable();
    private ProducerStateTable writtenProducers = new ProducerStateTable();
    private EntryJournal journal;
    /** Whether the journal has records that no {@link #flush} has made durable yet. */
    private boolean journalDirty;
    private volatile long highWatermark;
    private volatile TermIndex snapshotTermIndex;

    public PartitionStateMachine(PartitionLog log) {
        this(log, ReplicaEvents.NONE, true);
    }

    /**
     * @param fsync whether {@link #flush} fsyncs the log and the entry journal; without, a flushed entry is in the
     *              page cache only (it survives the process, not the machine) and snapshots are the only fsyncs
     */
    public PartitionStateMachine(PartitionLog log, ReplicaEvents events, boolean fsync) {
        this.log = log;
        this.events = events;
        this.fsync = fsync;
    }

    private final StateMachineStorage storage = new StateMachineStorage() {
        @Override
        public void init(RaftStorage raftStorage) {
        }

        @Override
        public SnapshotInfo getLatestSnapshot() {
            TermIndex ti = snapshotTermIndex;
            return ti == null ? null : new SnapshotInfo() {
                @Override
                public TermIndex getTermIndex() {
                    return ti;
                }

                @Override
                public List<FileInfo> getFiles() {
                    return List.of();
                }
            };
        }

        @Override
        public void format() {
        }

        @Override
        public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
        }
    };

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    // ---------------------------------------------------------------- start-up

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        synchronized (lock) {
            Path ready = log.dir().resolve(LogInstall.READY);
            if (Files.exists(ready)) {
                LOG.info("Partition {}: finishing the log install interrupted by the last stop", log.name());
                LogInstall.apply(ready, log);
                Files.deleteIfExists(log.dir().resolve(JOURNAL));
            }
            journal = EntryJournal.open(log.dir().resolve(JOURNAL));
            long recordedIndex = restoreRecordedState();
            TreeMap<Long, WrittenEntry> journaled = new TreeMap<>();
            for (WrittenEntry e : journal.readAll()) {
                journaled.put(e.index(), e);
            }
            written.putAll(journaled.headMap(recordedIndex, true)); // applied: kept only to serve followers
            LocalRaftLog.Headers raftLog = LocalRaftLog.recordsAfter(raftStorage,
                    RaftServerConfigKeys.Log.Appender.bufferByteLimit(server.getProperties()), recordedIndex);
            long cursor = reattachTail(journaled, raftLog);
            // Written after the last entry the Raft log holds durably: cut off. (Below the log start, the log was
            // restarted past batches the leader no longer has; those entries come again as GONE.)
            if (log.logEndOffset() > cursor && cursor >= log.logStartOffset()) {
                log.truncateTo(cursor);
            }
            journal.rewrite(written.values());
            journalDirty = false;
        }
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    /**
     * Pairs the records entries the Raft log holds above the recorded index with the log tail above the recorded
     * high watermark, in Raft log order: an entry the journal has (it appended nothing, or came as GONE, or was
     * journaled by a rewrite) takes its recorded outcome; any other appended its batches at the tail, which must be
     * there and match its header. Returns the offset after the last paired batch.
     */
    private long reattachTail(TreeMap<Long, WrittenEntry> journaled, LocalRaftLog.Headers raftLog) throws IOException {
        long cursor = highWatermark;
        writtenProducers = copy(appliedProducers);
        for (var r : raftLog.records().entrySet()) {
            long index = r.getKey();
            WrittenEntry e = journaled.get(index);
            if (e == null) {
                e = appendedAt(cursor, index, r.getValue());
            }
            if (e == null || e.appended() && (e.firstOffset() != cursor || e.lastOffset() >= log.logEndOffset())) {
                LOG.warn("Partition {}: the log lacks the batch of Raft entry {} at offset {}; it and later entries"
                        + " come again from the leader", log.name(), index, cursor);
                break;
            }
            if (e.appended()) {
                cursor = e.lastOffset() + 1;
                e.recordInto(writtenProducers);
            }
            written.put(index, e);
        }
        return cursor;
    }

    /**
     * The outcome of an entry that appended its batches at {@code offset}, read back from the log: null when the
     * batches there do not match the header (count, bytes, producer fields).
     */
    private WrittenEntry appendedAt(long offset, long index, RecordsHeader h) throws IOException {
        if (h.problem() != null || offset < log.logStartOffset()) {
            return null;
        }
        ByteBuffer head = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
        long next = offset;
        long bytes = 0;
        for (int i = 0; i < h.batches(); i++) {
            if (next >= log.logEndOffset()) {
                return null;
            }
            LogSlice s = log.read(next, 1, log.logEndOffset()); // exactly one batch
            head.clear();
            while (head.hasRemaining() && s.channel().read(head, s.position() + head.position()) > 0) {
                // keep reading
            }
            long producerId = head.hasRemaining() ? Long.MIN_VALUE : head.getLong(RecordBatchHeader.PRODUCER_ID_OFFSET);
            if (h.idempotent() ? producerId != h.producerId() : producerId == Long.MIN_VALUE || producerId >= 0) {
                return null;
            }
            if (i == 0 && h.idempotent() && (head.getShort(RecordBatchHeader.PRODUCER_EPOCH_OFFSET) != h.producerEpoch()
                    || head.getInt(RecordBatchHeader.BASE_SEQUENCE_OFFSET) != h.firstSeq())) {
                return null;
            }
            bytes += s.length();
            next = s.nextOffset();
        }
        if (bytes != h.bytes()) {
            return null;
        }
        return new WrittenEntry(index, WrittenEntry.Kind.APPENDED, ProduceError.NONE, offset, next - 1, h.producerId(),
                h.producerEpoch(), h.firstSeq(), h.lastSeq(), "");
    }

    /** Restores the recorded state; returns the recorded Raft index, or -1 when nothing was recorded. */
    private long restoreRecordedState() throws IOException {
        RecordedState s = RecordedState.decode(log.stateBlob(), log.name());
        if (s == null) {
            highWatermark = log.logStartOffset();
            appliedProducers = new ProducerStateTable();
            return -1;
        }
        if (s.highWatermark() > log.logEndOffset()) {
            throw new IOException("partition " + log.name() + " recorded high watermark " + s.highWatermark()
                    + " but its log ends at " + log.logEndOffset() + ": committed data was lost on this disk; remove this"
                    + " replica's directories so it is rebuilt from the leader");
        }
        highWatermark = s.highWatermark();
        appliedProducers = s.producers();
        TermIndex ti = TermIndex.valueOf(s.term(), s.index());
        setLastAppliedTermIndex(ti);
        snapshotTermIndex = ti;
        return s.index();
    }

    private static ProducerStateTable copy(ProducerStateTable t) {
        return ProducerStateTable.decode(ByteBuffer.wrap(t.encode()));
    }

    // ---------------------------------------------------------------- leader: building the entry

    /** Splits a records request into the small Raft log header and the batch bytes (state machine data). */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        ByteString content = request.getMessage().getContent();
        if (content.isEmpty() || content.byteAt(0) != PartitionEntry.RECORDS) {
            return super.startTransaction(request);
        }
        ByteString batches = content.substring(1);
        RecordsHeader header = RecordsHeader.of(batches.asReadOnlyByteBuffer());
        return TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .setLogData(header.encode())
                .setStateMachineData(batches.isEmpty() ? NO_BATCH : batches)
                .build();
    }

    // ---------------------------------------------------------------- DataApi: write, flush, truncate, read

    @Override
    public CompletableFuture<?> write(LogEntryProto entry, TransactionContext context) {
        StateMachineLogEntryProto sm = entry.getStateMachineLogEntry();
        ByteString data = sm.getStateMachineEntry().getStateMachineData();
        try {
            RecordsHeader header = RecordsHeader.decode(sm.getLogData());
            synchronized (lock) {
                long index = entry.getIndex();
                if (!written.isEmpty() && written.lastKey() >= index) {
                    truncateFrom(index); // the leader re-sends entries this replica's Raft log lost
                }
                boolean gone = isGone(data);
                WrittenEntry w = gone ? skipGone(index, data) : judgeAndAppend(index, entry.getTerm(), header, data);
                written.put(index, w);
                if (gone || !w.appended()) {
                    // A restart pairs appended entries with the log tail; it cannot tell these from the tail alone.
                    journal.append(w);
                    journalDirty = true;
                }
            }
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            LOG.error("Partition {}: writing Raft entry {} failed", log.name(), entry.getIndex(), e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private static boolean isGone(ByteString data) {
        return data.size() == GONE_BYTES && data.byteAt(0) == GONE;
    }

    /**
     * A follower's write of an entry whose batches the leader no longer has (its retention deleted them; they lie
     * below its log start): this replica takes the leader's outcome and restarts its log after the entry's
     * offsets, as Kafka's follower does when it falls behind its leader's log start. Only an empty log may sit
     * anywhere at or before the entry; a log with data must end exactly where the entry begins.
     */
    private WrittenEntry skipGone(long index, ByteString data) {
        WrittenEntry leaders = WrittenEntry.readFrom(data.substring(1).asReadOnlyByteBuffer());
        long end = leaders.lastOffset() + 1;
        boolean empty = log.logStartOffset() == log.logEndOffset();
        Checks.state(empty ? log.logEndOffset() >= leaders.firstOffset() : log.logEndOffset() == leaders.firstOffset(),
                "partition %s: Raft entry %s held offsets %s..%s on the leader, but this replica's log spans %s..%s",
                log.name(), index, leaders.firstOffset(), leaders.lastOffset(), log.logStartOffset(), log.logEndOffset());
        if (log.logEndOffset() < end) {
            log.truncateFullyAndStartAt(end);
        }
        WrittenEntry w = new WrittenEntry(index, WrittenEntry.Kind.APPENDED, ProduceError.NONE, leaders.firstOffset(),
                leaders.lastOffset(), leaders.producerId(), leaders.producerEpoch(), leaders.firstSeq(), leaders.lastSeq(), "");
        w.recordInto(writtenProducers);
        return w;
    }

    private WrittenEntry judgeAndAppend(long index, long term, RecordsHeader h, ByteString data) {
        if (h.problem() != null) {
            return refused(index, h, ProduceError.INVALID_RECORD, h.problem());
        }
        if (h.idempotent()) {
            ProducerStateTable.Verdict v = writtenProducers.check(h.producerId(), h.producerEpoch(), h.firstSeq(), h.lastSeq());
            if (v instanceof ProducerStateTable.Duplicate d) {
                return new WrittenEntry(index, WrittenEntry.Kind.DUPLICATE, ProduceError.NONE, d.firstOffset(), d.lastOffset(),
                        h.producerId(), h.producerEpoch(), h.firstSeq(), h.lastSeq(), "");
            }
            if (v instanceof ProducerStateTable.Rejected r) {
                return refused(index, h, r.error(), r.message());
            }
        }
        Checks.state(data.size() == h.bytes(), "Raft entry %s carries %s bytes of batches; its header says %s", index,
                data.size(), h.bytes());
        ByteBuffer batches = data.asReadOnlyByteBuffer().slice(); // no copy: the log stamps the epoch as it writes
        try {
            if (h.batches() > 1) {
                // validate all before appending any, so a multi-batch entry is appended whole or not at all
                for (int pos = 0; pos < batches.limit(); pos += RecordBatchHeader.declaredSize(batches, pos)) {
                    validator.validate(batches, pos, RecordBatchHeader.declaredSize(batches, pos), log.config().messageMaxBytes());
                }
            }
            long first = -1;
            long last = -1;
            for (int pos = 0; pos < batches.limit(); ) {
                int size = RecordBatchHeader.declaredSize(batches, pos);
                AppendInfo info = log.append(batches.duplicate().position(pos).limit(pos + size).slice(), (int) term);
                first = first < 0 ? info.firstOffset() : first;
                last = info.lastOffset();
                pos += size;
            }
            WrittenEntry w = new WrittenEntry(index, WrittenEntry.Kind.APPENDED, ProduceError.NONE, first, last,
                    h.producerId(), h.producerEpoch(), h.firstSeq(), h.lastSeq(), "");
            w.recordInto(writtenProducers);
            return w;
        } catch (InvalidBatchException e) {
            return refused(index, h, ProduceError.INVALID_RECORD, e.getMessage());
        } catch (BatchTooLargeException e) {
            return refused(index, h, ProduceError.RECORD_TOO_LARGE, e.getMessage());
        }
    }

    private static WrittenEntry refused(long index, RecordsHeader h, ProduceError error, String message) {
        return new WrittenEntry(index, WrittenEntry.Kind.REFUSED, error, -1, -1, h.producerId(), h.producerEpoch(),
                h.firstSeq(), h.lastSeq(), message);
    }

    @Override
    public CompletableFuture<Void> flush(long logIndex) {
        if (!fsync) {
            return CompletableFuture.completedFuture(null); // writes are in the page cache already
        }
        try {
            log.flush(); // outside the lock: the log has its own, and writes of later entries wait on it meanwhile
            synchronized (lock) {
                if (journalDirty) {
                    journal.force();
                    journalDirty = false;
                }
            }
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            LOG.error("Partition {}: flushing up to Raft entry {} failed", log.name(), logIndex, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Removes the entries from {@code index} on (Ratis truncated its log there). */
    @Override
    public CompletableFuture<Void> truncate(long index) {
        try {
            synchronized (lock) {
                if (!written.isEmpty() && written.lastKey() >= index) {
                    truncateFrom(index);
                }
            }
            return CompletableFuture.completedFuture(null);
        } catch (IOException | RuntimeException e) {
            LOG.error("Partition {}: truncating from Raft entry {} failed", log.name(), index, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private void truncateFrom(long index) throws IOException {
        TermIndex applied = getLastAppliedTermIndex();
        long appliedIndex = applied == null ? -1 : applied.getIndex();
        Checks.state(index > appliedIndex, "partition %s: cannot truncate from Raft entry %s, entries up to %s are applied",
                log.name(), index, appliedIndex);
        SortedMap<Long, WrittenEntry> tail = written.tailMap(index, true);
        long target = -1;
        for (WrittenEntry w : tail.values()) {
            if (w.appended()) {
                target = w.firstOffset();
                break;
            }
        }
        tail.clear();
        if (target >= 0 && target < log.logStartOffset()) {
            log.truncateFullyAndStartAt(target); // the tail began with batches known only as GONE: nothing of it is here
        } else if (target >= 0 && log.logEndOffset() > target) {
            log.truncateTo(target);
        }
        writtenProducers = copy(appliedProducers);
        for (WrittenEntry w : written.tailMap(appliedIndex, false).values()) {
            w.recordInto(writtenProducers);
        }
        journal.rewrite(written.values());
        journalDirty = false;
        LOG.info("Partition {}: truncated from Raft entry {} (log end now {})", log.name(), index, log.logEndOffset());
    }

    @Override
    public CompletableFuture<ByteString> read(LogEntryProto entry, TransactionContext context) {
        if (context != null && context.getStateMachineLogEntry() != null
                && context.getStateMachineLogEntry().hasStateMachineEntry()) {
            ByteString pending = context.getStateMachineLogEntry().getStateMachineEntry().getStateMachineData();
            if (!pending.isEmpty()) {
                return CompletableFuture.completedFuture(pending);
            }
        }
        WrittenEntry w;
        synchronized (lock) {
            w = written.get(entry.getIndex());
        }
        if (w == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("partition " + log.name()
                    + " no longer holds the batch of Raft entry " + entry.getIndex()
                    + "; a replica that needs it must install the partition log"));
        }
        if (!w.appended()) {
            return CompletableFuture.completedFuture(NO_BATCH);
        }
        try {
            return CompletableFuture.completedFuture(readBatches(w.firstOffset(), w.lastOffset()));
        } catch (OffsetOutOfRangeException e) {
            return CompletableFuture.completedFuture(gone(w)); // retention deleted it: the follower skips its offsets
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static ByteString gone(WrittenEntry w) {
        ByteBuffer b = ByteBuffer.allocate(GONE_BYTES).put(GONE);
        w.writeTo(b);
        return UnsafeByteOperations.unsafeWrap(b.array());
    }

    private ByteString readBatches(long first, long last) throws IOException {
        if (first < log.logStartOffset()) {
            throw new OffsetOutOfRangeException(first, log.logStartOffset(), log.logEndOffset());
        }
        ByteString out = ByteString.EMPTY;
        long next = first;
        while (next <= last) {
            LogSlice s = log.read(next, Integer.MAX_VALUE, last + 1);
            Checks.state(!s.isEmpty(), "partition %s has no batch at offset %s (entry %s..%s)", log.name(), next, first, last);
            out = out.concat(UnsafeByteOperations.unsafeWrap(s.copyBytes()));
            next = s.nextOffset();
        }
        return out;
    }

    // ---------------------------------------------------------------- apply

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex applied = getLastAppliedTermIndex();
        if (applied != null && entry.getIndex() <= applied.getIndex()) {
            return CompletableFuture.completedFuture(Message.EMPTY); // covered by a log installed from the leader
        }
        ByteString data = entry.getStateMachineLogEntry().getLogData();
        ProduceReply reply;
        if (!data.isEmpty() && data.byteAt(0) == PartitionEntry.RECORDS) {
            boolean advanced;
            synchronized (lock) {
                WrittenEntry w = written.get(entry.getIndex());
                Checks.state(w != null, "partition %s: Raft entry %s is committed but was never written here", log.name(),
                        entry.getIndex());
                advanced = w.appended();
                if (advanced) {
                    highWatermark = w.lastOffset() + 1;
                    w.recordInto(appliedProducers);
                }
                reply = w.reply();
                updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            }
            if (advanced) {
                events.highWatermarkAdvanced(highWatermark);
            }
        } else {
            if (!data.isEmpty() && data.byteAt(0) == PartitionEntry.DELETE_RECORDS && data.size() == 9) {
                reply = applyDeleteRecords(data.substring(1).asReadOnlyByteBuffer().getLong());
            } else {
                reply = ProduceReply.refused(ProduceError.INVALID_RECORD, "unknown entry type");
            }
            synchronized (lock) {
                updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            }
        }
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply.encode())));
    }

    /** DeleteRecords up to {@code offset} (-1: the high watermark); the reply's first offset is the new log start. */
    private ProduceReply applyDeleteRecords(long offset) {
        long hw = highWatermark;
        long target = offset < 0 ? hw : offset;
        if (target > hw || target < 0) {
            return ProduceReply.refused(ProduceError.OFFSET_OUT_OF_RANGE, "cannot delete records before " + offset
                    + ": the high watermark is " + hw);
        }
        try {
            long start = log.deleteRecordsBefore(target);
            return ProduceReply.appended(start, start, false);
        } catch (LogOfflineException | LogClosedException e) {
            return ProduceReply.refused(ProduceError.STORAGE_ERROR, e.getMessage());
        }
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        long term = -1;
        try {
            RaftServer server = getServer().getNow(null);
            if (server != null) {
                term = server.getDivision(groupMemberId.getGroupId()).getInfo().getCurrentTerm();
            }
        } catch (IOException | RuntimeException e) {
            // The division is closing; the leader still changed, the term is simply unknown.
        }
        events.leaderChanged(newLeaderId, term);
    }

    @Override
    public void notifyLeaderReady() {
        events.leaderReady();
    }

    /** The high watermark: the end of the last committed, applied entry; nothing at or above it is served. */
    public long highWatermark() {
        return highWatermark;
    }

    public PartitionLog log() {
        return log;
    }

    // ---------------------------------------------------------------- installing the log from the leader

    /** Answers a follower installing its log from this replica (see {@link LogInstall}). */
    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            byte[] recorded;
            synchronized (lock) {
                recorded = log.stateBlob();
            }
            byte[] reply = LogInstall.serve(request.getContent().asReadOnlyByteBuffer(), log, recorded);
            return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Ratis found this follower needs entries the leader purged: download the leader's committed log and
     * recorded state on a thread of its own, then adopt them. Ratis then pauses this state machine, reloads it
     * ({@link #reinitialize}) and has the leader continue from the returned index.
     */
    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
        RaftPeerId leaderId = RaftPeerId.valueOf(roleInfo.getFollowerInfo().getLeaderInfo().getId().getId());
        long minIndex = firstTermIndexInLog.getIndex() - 1;
        LOG.info("Partition {}: the leader's Raft log starts at {}; installing the partition log from {}", log.name(),
                firstTermIndexInLog, leaderId);
        CompletableFuture<TermIndex> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                done.complete(installFrom(leaderId, minIndex));
            } catch (Throwable e) {
                LOG.warn("Partition {}: installing the log from {} failed (Ratis asks again): {}", log.name(), leaderId,
                        e.toString());
                done.completeExceptionally(e);
            }
        }, "install-" + log.name());
        t.setDaemon(true);
        t.start();
        return done;
    }

    private TermIndex installFrom(RaftPeerId leaderId, long minIndex) throws IOException {
        RaftServer server = getServer().join();
        RaftGroup group = server.getDivision(getGroupId()).getGroup();
        long committedEnd;
        synchronized (lock) {
            committedEnd = highWatermark;
        }
        try (RaftClient client = RaftClient.newBuilder().setProperties(server.getProperties()).setRaftGroup(group)
                .setLeaderId(leaderId).build()) {
            Path ready = LogInstall.download(request -> {
                RaftClientReply reply = client.io().sendReadOnly(Message.valueOf(UnsafeByteOperations.unsafeWrap(request)));
                if (!reply.isSuccess()) {
                    throw new IOException("query to the leader failed: " + reply.getException());
                }
                return reply.getMessage().getContent().asReadOnlyByteBuffer();
            }, log, committedEnd, minIndex);
            TermIndex ti;
            synchronized (lock) {
                RecordedState s = LogInstall.apply(ready, log);
                appliedProducers = s.producers();
                writtenProducers = copy(appliedProducers);
                written.clear();
                journal.rewrite(written.values());
                journalDirty = false;
                highWatermark = s.highWatermark();
                ti = TermIndex.valueOf(s.term(), s.index());
                setLastAppliedTermIndex(ti);
                snapshotTermIndex = ti;
                LOG.info("Partition {}: installed the log from {} up to Raft entry {} (offsets {}..{})", log.name(),
                        leaderId, ti, log.logStartOffset(), log.logEndOffset());
            }
            events.highWatermarkAdvanced(highWatermark);
            return ti;
        }
    }

    @Override
    public void pause() {
        if (getLifeCycle().getCurrentState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** After an install: the state was adopted when the install finished, so this only resumes. */
    @Override
    public void reinitialize() {
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Records (applied term and index, high watermark, producer state) in the log's state blob, fsyncs the log
     * and rewrites the journal to the entries still in the Raft log (followers may ask for those at or below the
     * snapshot too). A log that went offline (or was closed under a dying node) records nothing: the last
     * recorded state stays, so after a restart everything since is replayed, and the Raft log is not purged past it.
     */
    @Override
    public long takeSnapshot() {
        synchronized (lock) {
            TermIndex applied = getLastAppliedTermIndex();
            if (applied == null || applied.getIndex() < 0) {
                return -1;
            }
            TermIndex previous = snapshotTermIndex;
            long keepFrom = Math.min(raftLogStartIndex(), applied.getIndex() + 1);
            try {
                log.setStateBlob(new RecordedState(applied.getTerm(), applied.getIndex(), highWatermark,
                        copy(appliedProducers)).encode());
                log.flushWithState();
                snapshotTermIndex = applied;
                written.headMap(keepFrom).clear();
                journal.rewrite(written.values());
                journalDirty = false;
            } catch (IOException | LogOfflineException | LogClosedException e) {
                LOG.warn("Partition {}: no snapshot at index {}: {}", log.name(), applied.getIndex(), e.getMessage());
                return previous == null ? -1 : previous.getIndex();
            }
            return applied.getIndex();
        }
    }

    /**
     * The first index of this replica's Raft log: Ratis purges it (behind snapshots, and no further than any
     * follower's commit index) whole segments at a time, and may send any entry it still holds to a follower,
     * so the outcome of every entry from here on is kept.
     */
    private long raftLogStartIndex() {
        try {
            RaftServer server = getServer().getNow(null);
            if (server != null) {
                return Math.max(0, server.getDivision(getGroupId()).getRaftLog().getStartIndex());
            }
        } catch (IOException | RuntimeException e) {
            // closing: keep everything
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (journal != null) {
                journal.close();
            }
        }
        super.close();
    }
}
