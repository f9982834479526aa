package io.kayak.log.replication;

import io.kayak.log.AppendInfo;
import io.kayak.log.BatchTooLargeException;
import io.kayak.log.InvalidBatchException;
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

/**
 * The Ratis state machine of one partition's replica group: every committed entry is one Kafka v2 record
 * batch, applied in log order on every replica, so all replicas assign the same offsets and hold
 * byte-identical segments. Idempotent producers are judged by the replicated {@link ProducerStateTable}.
 * Everything applied is committed, so the high watermark is the log end offset of the applied log.
 *
 * <p>This is the first, simple path: the batch bytes travel inside the Raft log entry and are written
 * twice per replica (Raft log and segment). Moving them to the DataApi path, so they are written once,
 * is the next step of the replication issue.
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
    private static final byte BLOB_VERSION = 1;

    private final PartitionLog log;
    private ProducerStateTable producers = new ProducerStateTable();
    private volatile TermIndex snapshotTermIndex;

    public PartitionStateMachine(PartitionLog log) {
        this.log = log;
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
        ByteBuffer batch = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
        ByteBuffer writable = ByteBuffer.allocate(batch.remaining()).put(batch).flip();
        ProduceReply reply = apply(writable);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.encode())));
    }

    private ProduceReply apply(ByteBuffer batch) {
        if (batch.remaining() < RecordBatchHeader.HEADER_SIZE) {
            return ProduceReply.refused(ProduceError.INVALID_RECORD, "entry of " + batch.remaining() + " bytes is no batch");
        }
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
        try {
            AppendInfo info = log.append(batch);
            producers.record(pid, epoch, firstSeq, lastSeq, info.firstOffset(), info.lastOffset());
            return ProduceReply.appended(info.firstOffset(), info.lastOffset(), false);
        } catch (InvalidBatchException e) {
            return ProduceReply.refused(ProduceError.INVALID_RECORD, e.getMessage());
        } catch (BatchTooLargeException e) {
            return ProduceReply.refused(ProduceError.RECORD_TOO_LARGE, e.getMessage());
        } catch (LogOfflineException e) {
            return ProduceReply.refused(ProduceError.STORAGE_ERROR, e.getMessage());
        }
    }

    /** The high watermark: every applied batch is committed. */
    public long highWatermark() {
        return log.logEndOffset();
    }

    public PartitionLog log() {
        return log;
    }

    /** Records (applied term and index, log end, producer state) in the log's state blob and flushes the log. */
    @Override
    public long takeSnapshot() {
        TermIndex applied = getLastAppliedTermIndex();
        if (applied == null || applied.getIndex() < 0) {
            return -1;
        }
        byte[] state = producers.encode();
        byte[] blob = ByteBuffer.allocate(1 + 8 + 8 + 8 + state.length).put(BLOB_VERSION).putLong(applied.getTerm())
                .putLong(applied.getIndex()).putLong(log.logEndOffset()).put(state).array();
        log.setStateBlob(blob);
        log.flush();
        snapshotTermIndex = applied;
        return applied.getIndex();
    }
}
