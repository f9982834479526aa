package io.kayak.log.replication;

import io.kayak.log.AppendInfo;
import io.kayak.log.BatchTooLargeException;
import io.kayak.log.InvalidBatchException;
import io.kayak.log.LogClosedException;
import io.kayak.log.LogOfflineException;
import io.kayak.log.PartitionLog;
import io.kayak.log.batch.RecordBatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of one partition's replica group: every committed entry is one Kafka v2 record
 * batch, applied in log order on every replica, so all replicas assign the same offsets and hold
 * byte-identical segments. Idempotent producers are judged by the replicated {@link ProducerStateTable}.
 * Everything applied is committed, so the high watermark is the log end offset of the applied log.
 *
 * <p>Entries are {@link PartitionEntry}s: records (stamped with the entry's term as their partition leader
 * epoch, as Kafka does) or a DeleteRecords. The batch bytes travel inside the Raft log entry and are
 * written twice per replica (Raft log and segment); moving them to the DataApi path, so they are written
 * once, is still to do.
 *
 * <p>Durable state: the partition log's state blob holds (applied term, applied index, log end offset,
 * producer state), written by {@link #takeSnapshot()} after a flush. On start, anything in the log past
 * the recorded end is truncated (it may not have been applied as far as Ratis knows), everything when
 * nothing was recorded, and Ratis replays the entries after the recorded index. The Raft log must therefore
 * not be purged past the recorded index until the DataApi path and log installation replace this.
 *
 * <p>Thread model: Ratis calls apply serially. The state machine does not own the log; its creator closes
 * it after the Ratis server.
 */
public final class PartitionStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionStateMachine.class);
    private static final byte BLOB_VERSION = 1;

    private final PartitionLog log;
    private final ReplicaEvents events;
    private ProducerStateTable producers = new ProducerStateTable();
    private volatile TermIndex snapshotTermIndex;

    public PartitionStateMachine(PartitionLog log) {
        this(log, ReplicaEvents.NONE);
    }

    public PartitionStateMachine(PartitionLog log, ReplicaEvents events) {
        this.log = log;
        this.events = events;
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

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        byte[] blob = log.stateBlob();
        if (blob.length == 0) {
            // Nothing recorded as applied: Ratis replays its whole log, so the partition log must start empty
            // or every batch would be appended twice.
            if (log.logEndOffset() > log.logStartOffset()) {
                log.truncateTo(log.logStartOffset());
            }
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(blob);
        byte version = b.get();
        if (version != BLOB_VERSION) {
            throw new IOException("partition " + log.name() + " has replication state version " + version
                    + "; this build reads " + BLOB_VERSION);
        }
        long term = b.getLong();
        long index = b.getLong();
        long logEnd = b.getLong();
        producers = ProducerStateTable.decode(b);
        if (log.logEndOffset() > logEnd) {
            log.truncateTo(logEnd); // appended after the last recorded apply: Ratis replays those entries
        }
        TermIndex ti = TermIndex.valueOf(term, index);
        setLastAppliedTermIndex(ti);
        snapshotTermIndex = ti;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteString data = entry.getStateMachineLogEntry().getLogData();
        ProduceReply reply;
        if (data.isEmpty()) {
            reply = ProduceReply.refused(ProduceError.INVALID_RECORD, "empty entry");
        } else if (data.byteAt(0) == PartitionEntry.RECORDS) {
            ByteBuffer writable = ByteBuffer.allocate(data.size() - 1);
            data.substring(1).copyTo(writable);
            reply = applyRecords(writable.flip(), entry.getTerm());
        } else if (data.byteAt(0) == PartitionEntry.DELETE_RECORDS && data.size() == 9) {
            reply = applyDeleteRecords(data.substring(1).asReadOnlyByteBuffer().getLong());
        } else {
            reply = ProduceReply.refused(ProduceError.INVALID_RECORD, "unknown entry type " + data.byteAt(0));
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(reply.encode())));
    }

    /** Applies one or more whole batches; a single idempotent batch is judged by the producer state first. */
    private ProduceReply applyRecords(ByteBuffer batches, long term) {
        int count = 0;
        boolean idempotent = false;
        for (int pos = 0; pos < batches.limit(); count++) {
            if (batches.limit() - pos < RecordBatchHeader.HEADER_SIZE) {
                return ProduceReply.refused(ProduceError.INVALID_RECORD, (batches.limit() - pos) + " trailing bytes are no batch");
            }
            int size = RecordBatchHeader.declaredSize(batches, pos);
            if (size < RecordBatchHeader.HEADER_SIZE || size > batches.limit() - pos) {
                return ProduceReply.refused(ProduceError.INVALID_RECORD, "batch at byte " + pos + " declares " + size + " bytes");
            }
            idempotent |= batches.getLong(pos + RecordBatchHeader.PRODUCER_ID_OFFSET) >= 0;
            batches.putInt(pos + RecordBatchHeader.PARTITION_LEADER_EPOCH_OFFSET, (int) term);
            pos += size;
        }
        if (count == 1 && idempotent) {
            return applyIdempotent(batches);
        }
        if (idempotent) {
            return ProduceReply.refused(ProduceError.INVALID_RECORD, "an idempotent produce carries exactly one batch; got " + count);
        }
        long first = -1;
        long last = -1;
        for (int pos = 0; pos < batches.limit(); ) {
            int size = RecordBatchHeader.declaredSize(batches, pos);
            ProduceReply r = append(batches.duplicate().position(pos).limit(pos + size).slice());
            if (r.error() != ProduceError.NONE) {
                return r;
            }
            first = first < 0 ? r.firstOffset() : first;
            last = r.lastOffset();
            pos += size;
        }
        return ProduceReply.appended(first, last, false);
    }

    private ProduceReply applyIdempotent(ByteBuffer batch) {
        long pid = batch.getLong(RecordBatchHeader.PRODUCER_ID_OFFSET);
        short epoch = batch.getShort(RecordBatchHeader.PRODUCER_EPOCH_OFFSET);
        int firstSeq = batch.getInt(RecordBatchHeader.BASE_SEQUENCE_OFFSET);
        int lastSeq = firstSeq + RecordBatchHeader.lastOffsetDelta(batch, 0);
        ProducerStateTable.Verdict verdict = producers.check(pid, epoch, firstSeq, lastSeq);
        if (verdict instanceof ProducerStateTable.Duplicate d) {
            return ProduceReply.appended(d.firstOffset(), d.lastOffset(), true);
        }
        if (verdict instanceof ProducerStateTable.Rejected r) {
            return ProduceReply.refused(r.error(), r.message());
        }
        ProduceReply reply = append(batch);
        if (reply.error() == ProduceError.NONE) {
            producers.record(pid, epoch, firstSeq, lastSeq, reply.firstOffset(), reply.lastOffset());
        }
        return reply;
    }

    private ProduceReply append(ByteBuffer batch) {
        try {
            AppendInfo info = log.append(batch);
            return ProduceReply.appended(info.firstOffset(), info.lastOffset(), false);
        } catch (InvalidBatchException e) {
            return ProduceReply.refused(ProduceError.INVALID_RECORD, e.getMessage());
        } catch (BatchTooLargeException e) {
            return ProduceReply.refused(ProduceError.RECORD_TOO_LARGE, e.getMessage());
        } catch (LogOfflineException | LogClosedException e) {
            return ProduceReply.refused(ProduceError.STORAGE_ERROR, e.getMessage());
        }
    }

    /** DeleteRecords up to {@code offset} (-1: the high watermark); the reply's first offset is the new log start. */
    private ProduceReply applyDeleteRecords(long offset) {
        long end;
        try {
            end = log.logEndOffset();
        } catch (LogOfflineException | LogClosedException e) {
            return ProduceReply.refused(ProduceError.STORAGE_ERROR, e.getMessage());
        }
        long target = offset < 0 ? end : offset;
        if (target > end || target < 0) {
            return ProduceReply.refused(ProduceError.OFFSET_OUT_OF_RANGE, "cannot delete records before " + offset
                    + ": the high watermark is " + end);
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

    /** The high watermark: every applied batch is committed. */
    public long highWatermark() {
        return log.logEndOffset();
    }

    public PartitionLog log() {
        return log;
    }

    /**
     * Records (applied term and index, log end, producer state) in the log's state blob and flushes the log.
     * A log that went offline (or was closed under a dying node) records nothing: the last recorded state stays,
     * so after a restart Ratis replays everything since, and the Raft log is not purged past it.
     */
    @Override
    public long takeSnapshot() {
        TermIndex applied = getLastAppliedTermIndex();
        if (applied == null || applied.getIndex() < 0) {
            return -1;
        }
        TermIndex previous = snapshotTermIndex;
        try {
            byte[] state = producers.encode();
            byte[] blob = ByteBuffer.allocate(1 + 8 + 8 + 8 + state.length).put(BLOB_VERSION).putLong(applied.getTerm())
                    .putLong(applied.getIndex()).putLong(log.logEndOffset()).put(state).array();
            log.setStateBlob(blob);
            log.flush();
        } catch (LogOfflineException | LogClosedException e) {
            LOG.warn("Partition {}: no snapshot at index {}: {}", log.name(), applied.getIndex(), e.getMessage());
            return previous == null ? -1 : previous.getIndex();
        }
        snapshotTermIndex = applied;
        return applied.getIndex();
    }
}
