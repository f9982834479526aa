package io.kayak.broker.replica;

import io.kayak.log.BatchTooLargeException;
import io.kayak.log.EpochEnd;
import io.kayak.log.InvalidBatchException;
import io.kayak.log.LogClosedException;
import io.kayak.log.LogDir;
import io.kayak.log.LogOfflineException;
import io.kayak.log.LogSlice;
import io.kayak.log.OffsetOutOfRangeException;
import io.kayak.log.PartitionLog;
import io.kayak.log.TimestampOffset;
import io.kayak.log.batch.BatchValidator;
import io.kayak.log.batch.RecordBatchHeader;
import io.kayak.log.replication.PartitionEntry;
import io.kayak.log.replication.ProduceError;
import io.kayak.log.replication.ProduceReply;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.network.service.Acks;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.ElectionResult;
import io.kayak.network.service.EpochEndOffset;
import io.kayak.network.service.LogDirInfo;
import io.kayak.network.service.OffsetResult;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.PartitionLeader;
import io.kayak.network.service.PartitionListener;
import io.kayak.network.service.PartitionService;
import io.kayak.network.service.ReadResult;
import io.kayak.network.service.RecordsSlice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The {@link PartitionService} over this node's replicated partitions. Appends and DeleteRecords go through
 * the partition's Ratis group from this node, which must lead it; the answer comes once a majority holds the
 * entry durably and the leader applied it (acks 1 and -1 alike; see docs/ARCHITECTURE.md). Reads are served by
 * the leader from the partition log, below the high watermark: every applied batch is committed. A quiesced
 * partition (its group stopped on every replica, docs/ARCHITECTURE.md §5.8) is read on its recorded leader up to
 * the high watermark the quiescing recorded; a write to it wakes it and waits until a leader is known.
 *
 * <p>Also: OffsetForLeaderEpoch from the Raft terms stamped in the batches ({@link #endOffsetForEpoch}), preferred
 * elections through the {@link ReplicaManager}'s leadership transfers, the node's log dirs with their replicas,
 * and {@link PartitionListener}s told of high watermark advances and leader changes ({@link #partitionChanged},
 * called by the node on Ratis threads).
 *
 * <p>Thread-safe; append, deleteRecords and electPreferred never block the caller, the other calls only take the
 * log's lock (logDirs also asks the file system for its space).
 */
public final class ReplicatedPartitionService implements PartitionService {
    private final Supplier<ReplicaManager> managers;
    private final Supplier<MetadataImage> images;
    private final PartitionMetrics metrics;
    private final ThreadLocal<BatchValidator> validators = ThreadLocal.withInitial(BatchValidator::new);
    private final List<PartitionListener> listeners = new CopyOnWriteArrayList<>();
    private final List<LogDir> logDirs;

    /**
     * @param managers the node's replica manager, or null while it is still starting
     * @param logDirs  the node's data directories, owned by the caller
     */
    public ReplicatedPartitionService(Supplier<ReplicaManager> managers, Supplier<MetadataImage> images,
                                      PartitionMetrics metrics, List<LogDir> logDirs) {
        this.managers = managers;
        this.logDirs = List.copyOf(logDirs);
        this.images = images;
        this.metrics = metrics;
    }

    private static io.kayak.metadata.TopicPartition key(TopicPartition tp) {
        return new io.kayak.metadata.TopicPartition(tp.topic(), tp.partition());
    }

    /**
     * The hosted replica and its running division, if this node leads the partition; or, for a quiesced partition
     * this node led, no division but the recorded epoch and high watermark; else why not.
     */
    private record Leading(ReplicaManager manager, Replica replica, RaftServer.Division division, long term,
                           long quiescedHighWatermark, PartitionError error, int hint) {
        static Leading not(PartitionError error, int hint) {
            return new Leading(null, null, null, -1, -1, error, hint);
        }

        static Leading running(ReplicaManager manager, Replica replica, RaftServer.Division division) {
            return new Leading(manager, replica, division, division.getInfo().getCurrentTerm(), -1, PartitionError.NONE, -1);
        }

        boolean quiesced() {
            return division == null;
        }

        long highWatermark() {
            return quiesced() ? quiescedHighWatermark : replica.stateMachine().highWatermark();
        }

        /**
         * A new leader whose high watermark may still lie below what the previous leader exposed: it has not committed
         * an entry of its own term yet (until then it may not know that its tail is committed; after a restart it
         * knows no commit index at all, see docs/ARCHITECTURE.md §5.1), or has not applied everything committed.
         */
        boolean settling() {
            return !quiesced() && (!division.getInfo().isLeaderReady() || ReplicatedPartitionService.stillApplying(division));
        }
    }

    private Leading leading(TopicPartition tp) {
        ReplicaManager manager = managers.get();
        if (manager == null) {
            return Leading.not(exists(tp) ? PartitionError.LEADER_NOT_AVAILABLE : PartitionError.UNKNOWN_PARTITION, -1);
        }
        Optional<Replica> r = manager.replica(key(tp));
        if (r.isEmpty()) {
            return Leading.not(exists(tp) ? PartitionError.NOT_LEADER : PartitionError.UNKNOWN_PARTITION, recordedLeader(tp));
        }
        if (r.get().suspended) {
            Optional<PartitionImage> p = partitionImage(tp);
            if (p.isEmpty() || !p.get().quiesced()) {
                return Leading.not(PartitionError.LEADER_NOT_AVAILABLE, -1); // woken; its group is restarting
            }
            if (p.get().leader() != manager.nodeId()) {
                return Leading.not(PartitionError.NOT_LEADER, p.get().leader());
            }
            return new Leading(manager, r.get(), null, p.get().leaderEpoch(), p.get().quiescedHighWatermark(),
                    PartitionError.NONE, -1);
        }
        Optional<RaftServer.Division> d = manager.division(r.get());
        if (d.isEmpty() || r.get().stateMachine() == null) {
            return Leading.not(PartitionError.LEADER_NOT_AVAILABLE, -1);
        }
        if (!d.get().getInfo().isLeader()) {
            int hint = PartitionGroups.nodeId(d.get().getInfo().getLeaderId());
            return Leading.not(hint < 0 ? PartitionError.LEADER_NOT_AVAILABLE : PartitionError.NOT_LEADER, hint);
        }
        return Leading.running(manager, r.get(), d.get());
    }

    /**
     * For writes: the partition is quiesced, being quiesced by this node, or being woken (its group restarting
     * here). Such a write wakes it and waits for a leader instead of going to a division about to stop or not
     * running yet.
     */
    private boolean asleep(TopicPartition tp, Leading l) {
        if (l.error == PartitionError.LEADER_NOT_AVAILABLE) {
            ReplicaManager manager = managers.get();
            return manager != null && manager.replica(key(tp)).map(r -> r.suspended).orElse(false);
        }
        return l.error == PartitionError.NONE
                && (l.quiesced() || l.replica.quiescing || partitionImage(tp).map(PartitionImage::quiesced).orElse(false));
    }

    /**
     * Wakes the partition and, once a leader is known (within {@code timeoutMs}), tries {@code write} once more;
     * a partition still not writable then answers {@code LEADER_NOT_AVAILABLE} or {@code NOT_LEADER}, both retriable.
     */
    private <T> CompletableFuture<T> afterWake(TopicPartition tp, long timeoutMs, Function<Long, CompletableFuture<T>> write,
                                              Failure<T> failed) {
        ReplicaManager manager = managers.get();
        Optional<Replica> r = manager == null ? Optional.empty() : manager.replica(key(tp));
        if (r.isEmpty()) {
            return CompletableFuture.completedFuture(failed.of(PartitionError.LEADER_NOT_AVAILABLE, -1, tp + " is waking"));
        }
        long start = System.nanoTime();
        return manager.wake(r.get()).copy().orTimeout(timeoutMs, TimeUnit.MILLISECONDS).handle((v, e) -> e == null)
                .thenCompose(awake -> {
                    long left = timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    if (!awake || left <= 0) {
                        return CompletableFuture.completedFuture(failed.of(PartitionError.REQUEST_TIMED_OUT, -1,
                                tp + " was quiesced and has no leader yet after " + timeoutMs + " ms"));
                    }
                    return write.apply(left);
                });
    }

    private Optional<PartitionImage> partitionImage(TopicPartition tp) {
        return images.get().topic(tp.topic()).filter(t -> tp.partition() >= 0 && tp.partition() < t.partitions().size())
                .map(t -> t.partitions().get(tp.partition()));
    }

    private boolean exists(TopicPartition tp) {
        return partitionImage(tp).isPresent();
    }

    private int recordedLeader(TopicPartition tp) {
        return partitionImage(tp).map(PartitionImage::leader).orElse(-1);
    }

    @Override
    public CompletableFuture<AppendResult> append(TopicPartition tp, ByteBuffer records, Acks acks, long timeoutMs) {
        return append(tp, records, timeoutMs, true);
    }

    private CompletableFuture<AppendResult> append(TopicPartition tp, ByteBuffer records, long timeoutMs, boolean mayWake) {
        Leading l = leading(tp);
        if (asleep(tp, l)) {
            return mayWake ? afterWake(tp, timeoutMs, left -> append(tp, records, left, false), AppendResult::failed)
                    : CompletableFuture.completedFuture(AppendResult.failed(PartitionError.LEADER_NOT_AVAILABLE, -1,
                    tp + " is waking from quiescence"));
        }
        if (l.error != PartitionError.NONE) {
            return CompletableFuture.completedFuture(AppendResult.failed(l.error, l.hint, tp + " is not led by this node"));
        }
        AppendResult invalid = validate(records, l.manager.entryMaxBytes());
        if (invalid != null) {
            return CompletableFuture.completedFuture(invalid);
        }
        int bytes = records.remaining();
        Replica replica = l.replica;
        replica.writesInFlight.incrementAndGet(); // queued requests keep the partition from quiescing
        AppendQueue.Request request = new AppendQueue.Request(PartitionEntry.records(records),
                entry -> {
                    metrics.appendEntry();
                    return submit(l, entry, timeoutMs, AppendQueue.Answer::failed, AppendQueue.Answer::of);
                });
        return replica.appends.offer(request).whenComplete((part, error) -> replica.writesInFlight.decrementAndGet())
                .thenApply(part -> answer(part, request, bytes, replica.log))
                .completeOnTimeout(AppendResult.failed(PartitionError.REQUEST_TIMED_OUT, -1,
                        "not committed within " + timeoutMs + " ms"), timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** One request's result from the answer to the entry that carried it. */
    private AppendResult answer(AppendQueue.Part part, AppendQueue.Request request, int bytes, PartitionLog log) {
        AppendQueue.Answer a = part.answer();
        if (a.reply() == null) {
            return AppendResult.failed(a.error(), a.leaderHint(), a.message());
        }
        ProduceReply reply = a.reply();
        if (reply.error() != ProduceError.NONE) {
            return AppendResult.failed(map(reply.error()), -1, reply.message());
        }
        if (!reply.duplicate()) {
            metrics.appended(bytes);
        }
        long first = reply.firstOffset() + part.offsetDelta();
        return AppendResult.appended(first, first + request.offsets() - 1, logStart(log));
    }

    /** Checks framing and CRC of every batch before anything is replicated; null if all are intact. */
    private AppendResult validate(ByteBuffer records, int max) {
        if (records.remaining() > max) {
            return AppendResult.failed(PartitionError.RECORD_TOO_LARGE, -1, "the records of one partition total "
                    + records.remaining() + " bytes; at most " + max + " are accepted per request");
        }
        ByteBuffer b = records.duplicate();
        int batches = 0;
        boolean idempotent = false;
        try {
            for (int pos = b.position(); pos < b.limit(); batches++) {
                if (b.limit() - pos < RecordBatchHeader.HEADER_SIZE) {
                    return AppendResult.failed(PartitionError.CORRUPT_MESSAGE, -1, (b.limit() - pos) + " trailing bytes are no batch");
                }
                int size = RecordBatchHeader.declaredSize(b, pos);
                if (size < RecordBatchHeader.HEADER_SIZE || size > b.limit() - pos) {
                    return AppendResult.failed(PartitionError.CORRUPT_MESSAGE, -1, "batch at byte " + (pos - b.position())
                            + " declares " + size + " bytes");
                }
                validators.get().validate(b, pos, size, max);
                idempotent |= b.getLong(pos + RecordBatchHeader.PRODUCER_ID_OFFSET) >= 0;
                pos += size;
            }
            if (idempotent && batches > 1) {
                return AppendResult.failed(PartitionError.INVALID_RECORD, -1,
                        "an idempotent produce carries exactly one batch per partition; got " + batches);
            }
        } catch (InvalidBatchException e) {
            PartitionError err = e.reason() == InvalidBatchException.Reason.BAD_CRC ? PartitionError.CORRUPT_MESSAGE
                    : PartitionError.INVALID_RECORD;
            return AppendResult.failed(err, -1, e.getMessage());
        } catch (BatchTooLargeException e) {
            return AppendResult.failed(PartitionError.RECORD_TOO_LARGE, -1, e.getMessage());
        }
        return records.hasRemaining() ? null : AppendResult.failed(PartitionError.CORRUPT_MESSAGE, -1, "no records");
    }

    private <T> CompletableFuture<T> submit(Leading l, ByteString entry, long timeoutMs,
                                            Failure<T> failed, Function<ProduceReply, T> answer) {
        CompletableFuture<RaftClientReply> call;
        Replica replica = l.replica;
        replica.writesInFlight.incrementAndGet();
        replica.lastWriteNanos = System.nanoTime();
        if (replica.quiescing) { // the leader started quiescing after this write's check: leave it to the wake-up
            replica.writesInFlight.decrementAndGet();
            return CompletableFuture.completedFuture(failed.of(PartitionError.LEADER_NOT_AVAILABLE, -1,
                    "the partition is being quiesced; retry"));
        }
        try {
            call = l.manager.submit(replica, entry);
        } catch (IOException e) {
            replica.writesInFlight.decrementAndGet();
            return CompletableFuture.completedFuture(failed.of(PartitionError.LEADER_NOT_AVAILABLE, -1, e.getMessage()));
        }
        call = call.whenComplete((reply, error) -> replica.writesInFlight.decrementAndGet());
        return call.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).handle((reply, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof TimeoutException) {
                    return failed.of(PartitionError.REQUEST_TIMED_OUT, -1, "not committed within " + timeoutMs + " ms");
                }
                return failed.of(PartitionError.LEADER_NOT_AVAILABLE, -1, String.valueOf(cause));
            }
            if (!reply.isSuccess()) {
                NotLeaderException nle = reply.getNotLeaderException();
                if (nle != null) {
                    int hint = nle.getSuggestedLeader() == null ? -1 : PartitionGroups.nodeId(nle.getSuggestedLeader().getId());
                    return failed.of(hint < 0 ? PartitionError.LEADER_NOT_AVAILABLE : PartitionError.NOT_LEADER, hint,
                            nle.getMessage());
                }
                RaftException e = reply.getException();
                PartitionError err = e instanceof LeaderNotReadyException ? PartitionError.LEADER_NOT_AVAILABLE
                        : reply.getStateMachineException() != null ? PartitionError.STORAGE_ERROR : PartitionError.LEADER_NOT_AVAILABLE;
                return failed.of(err, -1, String.valueOf(e));
            }
            return answer.apply(ProduceReply.decode(reply.getMessage().getContent().asReadOnlyByteBuffer()));
        });
    }

    @FunctionalInterface
    private interface Failure<T> {
        T of(PartitionError error, int leaderHint, String message);
    }

    private static long logStart(PartitionLog log) {
        try {
            return log.logStartOffset();
        } catch (LogClosedException | LogOfflineException e) {
            return -1;
        }
    }

    static PartitionError map(ProduceError e) {
        switch (e) {
            case NONE:
                return PartitionError.NONE;
            case INVALID_RECORD:
                return PartitionError.INVALID_RECORD;
            case RECORD_TOO_LARGE:
                return PartitionError.RECORD_TOO_LARGE;
            case OUT_OF_ORDER_SEQUENCE:
                return PartitionError.OUT_OF_ORDER_SEQUENCE;
            case INVALID_PRODUCER_EPOCH:
                return PartitionError.INVALID_PRODUCER_EPOCH;
            case OFFSET_OUT_OF_RANGE:
                return PartitionError.OFFSET_OUT_OF_RANGE;
            case STORAGE_ERROR:
                return PartitionError.STORAGE_ERROR;
            default:
                throw new IllegalArgumentException("unmapped " + e);
        }
    }

    /**
     * Preferred election through a Raft leadership transfer. Not needed when the preferred replica leads (as this
     * node's replica sees it, else as the image records it); not available when it is outside the recorded ISR
     * (a transfer to it would only wait) or when no leader is known.
     */
    @Override
    public CompletableFuture<ElectionResult> electPreferred(TopicPartition tp, long timeoutMs) {
        Optional<PartitionImage> p = partitionImage(tp);
        if (p.isEmpty()) {
            return CompletableFuture.completedFuture(ElectionResult.UNKNOWN_PARTITION);
        }
        ReplicaManager manager = managers.get();
        int preferred = p.get().replicas().get(0);
        int local = manager == null ? -1 : manager.localLeader(key(tp));
        int leader = local >= 0 ? local : p.get().leader();
        if (leader == preferred) {
            return CompletableFuture.completedFuture(ElectionResult.NOT_NEEDED);
        }
        if (manager == null || leader < 0 || !p.get().isr().contains(preferred)) {
            return CompletableFuture.completedFuture(ElectionResult.NOT_AVAILABLE);
        }
        if (p.get().quiesced()) { // no group runs to transfer leadership in: wake it; a retry can then move it
            manager.replica(key(tp)).ifPresent(manager::wake);
            return CompletableFuture.completedFuture(ElectionResult.NOT_AVAILABLE);
        }
        return manager.transferLeadership(key(tp), preferred, timeoutMs)
                .thenApply(ok -> ok ? ElectionResult.ELECTED : ElectionResult.NOT_AVAILABLE);
    }

    @Override
    public List<LogDirInfo> logDirs() {
        ReplicaManager manager = managers.get();
        List<LogDirInfo> out = new ArrayList<>();
        for (LogDir dir : logDirs) {
            List<LogDirInfo.PartitionSize> sizes = new ArrayList<>();
            if (manager != null) {
                for (Replica r : manager.replicas()) {
                    if (r.dir == dir) {
                        sizes.add(new LogDirInfo.PartitionSize(r.partition.topic(), r.partition.partition(), size(r.log)));
                    }
                }
            }
            sizes.sort(java.util.Comparator.comparing(LogDirInfo.PartitionSize::topic)
                    .thenComparingInt(LogDirInfo.PartitionSize::partition));
            long total = -1;
            long usable = -1;
            try {
                FileStore store = Files.getFileStore(dir.path());
                total = store.getTotalSpace();
                usable = store.getUsableSpace();
            } catch (IOException e) {
                // the sizes stay unknown; the directory is still listed with its partitions
            }
            out.add(new LogDirInfo(dir.path().toAbsolutePath().toString(), PartitionError.NONE, total, usable, sizes));
        }
        return out;
    }

    private static long size(PartitionLog log) {
        try {
            return log.sizeInBytes();
        } catch (LogClosedException | LogOfflineException e) {
            return 0;
        }
    }

    @Override
    public void addListener(PartitionListener listener) {
        listeners.add(listener);
    }

    /** A hosted partition's high watermark advanced or its leader changed: tells the listeners. */
    public void partitionChanged(io.kayak.metadata.TopicPartition partition) {
        if (listeners.isEmpty()) {
            return;
        }
        TopicPartition tp = new TopicPartition(partition.topic(), partition.partition());
        for (PartitionListener l : listeners) {
            l.partitionChanged(tp);
        }
    }

    /** The leader check plus Kafka's current-leader-epoch check (-1: the client gave none). */
    private Leading leading(TopicPartition tp, int currentLeaderEpoch) {
        Leading l = leading(tp);
        if (l.error != PartitionError.NONE || currentLeaderEpoch < 0) {
            return l;
        }
        long term = l.term;
        if (currentLeaderEpoch < term) {
            return Leading.not(PartitionError.FENCED_LEADER_EPOCH, -1);
        }
        return currentLeaderEpoch > term ? Leading.not(PartitionError.UNKNOWN_LEADER_EPOCH, -1) : l;
    }

    @Override
    public ReadResult read(TopicPartition tp, long offset, int maxBytes, int currentLeaderEpoch) {
        Leading l = leading(tp, currentLeaderEpoch);
        if (l.error != PartitionError.NONE) {
            return ReadResult.failed(l.error, l.hint);
        }
        PartitionLog log = l.replica.log;
        try {
            long hw = l.highWatermark();
            long start = log.logStartOffset();
            if (offset > hw && l.settling()) {
                // A new leader may not know or have applied everything committed yet: not out of range, not here yet.
                return new ReadResult(PartitionError.NONE, hw, start, RecordsSlice.EMPTY, -1);
            }
            LogSlice s = log.read(offset, maxBytes, hw);
            metrics.read(s.length());
            RecordsSlice slice = s.isEmpty() ? RecordsSlice.EMPTY : new RecordsSlice(s.channel(), s.position(), s.length());
            return new ReadResult(PartitionError.NONE, hw, start, slice, -1);
        } catch (OffsetOutOfRangeException e) {
            return new ReadResult(PartitionError.OFFSET_OUT_OF_RANGE, l.highWatermark(), logStart(log),
                    RecordsSlice.EMPTY, -1);
        } catch (LogOfflineException e) {
            return ReadResult.failed(PartitionError.STORAGE_ERROR, -1);
        } catch (LogClosedException e) {
            return ReadResult.failed(PartitionError.NOT_LEADER, -1);
        }
    }

    private static boolean stillApplying(RaftServer.Division d) {
        return d.getInfo().getLastAppliedIndex() < d.getRaftLog().getLastCommittedIndex();
    }

    /** The epoch stamped in the batch at {@code offset}, or {@code term} if retention removed it meanwhile. */
    private static int epochAt(PartitionLog log, long offset, int term) {
        try {
            return log.epochAt(offset);
        } catch (OffsetOutOfRangeException e) {
            return term;
        }
    }

    /**
     * Offsets with the epoch Kafka gives them: the stamped epoch of the batch found (earliest, by timestamp), the
     * current term for the high watermark. A consumer positioned there and validating later with
     * OffsetForLeaderEpoch finds its epoch ending at or after its position.
     */
    @Override
    public OffsetResult listOffset(TopicPartition tp, long timestamp) {
        Leading l = leading(tp);
        if (l.error != PartitionError.NONE) {
            return OffsetResult.failed(l.error, l.hint);
        }
        if (l.settling()) {
            // Its high watermark may lie below one a client saw through the previous leader (Kafka answers
            // OFFSET_NOT_AVAILABLE until a new leader's high watermark reaches its epoch's start): retriable.
            return OffsetResult.failed(PartitionError.LEADER_NOT_AVAILABLE, -1);
        }
        PartitionLog log = l.replica.log;
        int term = (int) l.term;
        try {
            long hw = l.highWatermark();
            if (timestamp == EARLIEST_TIMESTAMP) {
                long start = log.logStartOffset();
                return new OffsetResult(PartitionError.NONE, start, -1, start < hw ? epochAt(log, start, term) : term, -1);
            }
            if (timestamp == LATEST_TIMESTAMP) {
                return new OffsetResult(PartitionError.NONE, hw, -1, term, -1);
            }
            // MAX_TIMESTAMP searches below the high watermark only; Kafka finds the maximum over the whole log and
            // answers none when it lies above the high watermark. The same once the tail is committed.
            TimestampOffset found = timestamp == MAX_TIMESTAMP ? log.maxTimestampOffset(hw) : log.offsetForTimestamp(timestamp);
            if (found == null || found.offset() >= hw) {
                return new OffsetResult(PartitionError.NONE, -1, -1, term, -1);
            }
            return new OffsetResult(PartitionError.NONE, found.offset(), found.timestamp(), epochAt(log, found.offset(), term), -1);
        } catch (LogOfflineException e) {
            return OffsetResult.failed(PartitionError.STORAGE_ERROR, -1);
        } catch (LogClosedException e) {
            return OffsetResult.failed(PartitionError.NOT_LEADER, -1);
        }
    }

    /**
     * The batches' epochs are the Raft terms of their entries (stamped at write on every replica), so the log
     * itself is the epoch history; the search stops at the high watermark, so only committed records count,
     * which no later leader can truncate. Answered only once this leader is ready and has applied everything
     * committed: before that its high watermark may lie below a position a consumer reached through the previous
     * leader, which would look like truncation.
     */
    @Override
    public EpochEndOffset endOffsetForEpoch(TopicPartition tp, int currentLeaderEpoch, int leaderEpoch) {
        Leading l = leading(tp, currentLeaderEpoch);
        if (l.error != PartitionError.NONE) {
            return EpochEndOffset.failed(l.error, l.hint);
        }
        if (l.settling()) {
            return EpochEndOffset.failed(PartitionError.LEADER_NOT_AVAILABLE, -1);
        }
        long term = l.term;
        if (leaderEpoch < 0 || leaderEpoch > term) {
            return new EpochEndOffset(PartitionError.NONE, -1, -1, -1); // Kafka's undefined epoch and offset
        }
        try {
            EpochEnd end = l.replica.log.endOffsetForEpoch(leaderEpoch, l.highWatermark());
            int epoch = end.epoch() == EpochEnd.NO_EPOCH ? leaderEpoch : end.epoch();
            return new EpochEndOffset(PartitionError.NONE, epoch, end.endOffset(), -1);
        } catch (LogOfflineException e) {
            return EpochEndOffset.failed(PartitionError.STORAGE_ERROR, -1);
        } catch (LogClosedException e) {
            return EpochEndOffset.failed(PartitionError.NOT_LEADER, -1);
        }
    }

    @Override
    public CompletableFuture<OffsetResult> deleteRecords(TopicPartition tp, long offset, long timeoutMs) {
        return deleteRecords(tp, offset, timeoutMs, true);
    }

    private CompletableFuture<OffsetResult> deleteRecords(TopicPartition tp, long offset, long timeoutMs, boolean mayWake) {
        Leading l = leading(tp);
        if (asleep(tp, l)) {
            return mayWake ? afterWake(tp, timeoutMs, left -> deleteRecords(tp, offset, left, false),
                    (err, hint, message) -> OffsetResult.failed(err, hint))
                    : CompletableFuture.completedFuture(OffsetResult.failed(PartitionError.LEADER_NOT_AVAILABLE, -1));
        }
        if (l.error != PartitionError.NONE) {
            return CompletableFuture.completedFuture(OffsetResult.failed(l.error, l.hint));
        }
        int epoch = (int) l.term;
        return submit(l, PartitionEntry.deleteRecords(offset), timeoutMs,
                (err, hint, message) -> OffsetResult.failed(err, hint),
                reply -> reply.error() == ProduceError.NONE
                        ? new OffsetResult(PartitionError.NONE, reply.firstOffset(), -1, epoch, -1)
                        : OffsetResult.failed(map(reply.error()), -1));
    }

    /**
     * Where a partition this node leads stands, for consumer lag: its high watermark, log start, log size and the
     * timestamp (the batch's largest, from the index) of the record at {@code offset} — the first record a group
     * that committed {@code offset} has not consumed; -1 when that offset is at or above the high watermark (caught
     * up). An offset below the log start (retention deleted it) reads the first record still there. Empty when this
     * node does not lead the partition or its log cannot be read.
     */
    public Optional<LeaderPosition> leaderPosition(TopicPartition tp, long offset) {
        Leading l = leading(tp);
        if (l.error != PartitionError.NONE) {
            return Optional.empty();
        }
        PartitionLog log = l.replica.log;
        try {
            long hw = l.highWatermark();
            long start = log.logStartOffset();
            long from = Math.max(offset, start);
            long timestamp = from < hw ? log.batchTimestampAt(from) : -1;
            return Optional.of(new LeaderPosition(hw, start, log.sizeInBytes(), timestamp));
        } catch (OffsetOutOfRangeException | LogOfflineException | LogClosedException e) {
            return Optional.empty();
        }
    }

    /** See {@link #leaderPosition}. */
    public record LeaderPosition(long highWatermark, long logStartOffset, long sizeBytes, long timestampMs) {
    }

    @Override
    public Optional<PartitionLeader> leader(TopicPartition tp) {
        return partitionImage(tp).map(p -> new PartitionLeader(p.leader(), p.leaderEpoch(), p.replicas(), p.isr()));
    }
}
