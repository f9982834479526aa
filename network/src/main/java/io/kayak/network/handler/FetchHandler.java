package io.kayak.network.handler;

import io.kayak.network.delay.DelayedFetches;
import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.protocol.SliceRecords;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.PartitionLeader;
import io.kayak.network.service.PartitionService;
import io.kayak.network.service.ReadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * Fetch: every requested partition is listed in the answer (Kafka clients require it), with whole batches from
 * the fetch offset below the high watermark, bounded by {@code partition_max_bytes} and, over the response,
 * {@code max_bytes}. As in Kafka (KIP-74), the first batch of the first partition that returns data comes whole
 * even when it exceeds either limit, so a consumer makes progress; a later partition whose first batch exceeds
 * what is left returns nothing this time (no error). Fetch sessions are
 * declined (session id 0), so clients keep sending full requests. From v9 the client's {@code current_leader_epoch}
 * is checked ({@code FENCED_LEADER_EPOCH} / {@code UNKNOWN_LEADER_EPOCH}); from v12 a partition answered with
 * {@code NOT_LEADER_OR_FOLLOWER} or {@code FENCED_LEADER_EPOCH} names the current leader and its epoch.
 *
 * <p>Waiting for {@code min_bytes}: a fetch that found less, and no error, is parked in {@link DelayedFetches}
 * under each of its partitions and read again only when one of them changes (high watermark advance, leader
 * change) or when {@code max_wait_ms} has passed (a timer on the injected executor), whichever comes first. It
 * reads once more right after parking, so an append that landed between the first read and the parking is not
 * missed. Re-reads run on the injected executor, never on the thread that reported the change.
 *
 * <p>Zero-copy: the batches stay in the segment files; the response carries {@link SliceRecords} that the
 * encoder turns into file regions.
 */
public final class FetchHandler implements ApiHandler {
    /** The first version whose partitions can name the current leader (KIP-951). */
    private static final short CURRENT_LEADER_VERSION = 12;

    private final PartitionService partitions;
    private final ScheduledExecutorService timer;
    private final DelayedFetches waits;

    /**
     * @param timer runs re-reads and the {@code max_wait_ms} timers; owned by the caller
     * @param waits where fetches park; the caller registers it as the partition service's listener
     */
    public FetchHandler(PartitionService partitions, ScheduledExecutorService timer, DelayedFetches waits) {
        this.partitions = partitions;
        this.timer = timer;
        this.waits = waits;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        FetchRequestData req = (FetchRequestData) request.body();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, req.maxWaitMs()));
        Answer first = read(req, request.version());
        if (first.satisfies(req) || System.nanoTime() >= deadline) {
            return CompletableFuture.completedFuture(first.response);
        }
        Pending p = new Pending(req, request.version(), deadline);
        if (!waits.register(p, p.partitions)) {
            return CompletableFuture.completedFuture(first.response); // too many parked there: answer now
        }
        try {
            p.timeout = timer.schedule(p::expire, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            waits.unregister(p, p.partitions);
            return CompletableFuture.failedFuture(e); // shutting down: closes the connection
        }
        p.wake();
        return p.out;
    }

    /** A parked fetch. Its re-reads and its expiry run on the timer's single thread, one at a time. */
    private final class Pending implements DelayedFetches.Waiter {
        final FetchRequestData req;
        final short version;
        final long deadline;
        final List<TopicPartition> partitions = new ArrayList<>();
        final CompletableFuture<ApiMessage> out = new CompletableFuture<>();
        final AtomicBoolean queued = new AtomicBoolean();
        volatile Future<?> timeout;

        Pending(FetchRequestData req, short version, long deadline) {
            this.req = req;
            this.version = version;
            this.deadline = deadline;
            for (FetchRequestData.FetchTopic t : req.topics()) {
                for (FetchRequestData.FetchPartition fp : t.partitions()) {
                    partitions.add(new TopicPartition(t.topic(), fp.partition()));
                }
            }
        }

        @Override
        public void wake() {
            if (out.isDone() || !queued.compareAndSet(false, true)) {
                return;
            }
            try {
                timer.execute(this::recheck);
            } catch (RejectedExecutionException e) {
                finish(null, e);
            }
        }

        private void recheck() {
            queued.set(false);
            if (out.isDone()) {
                return;
            }
            try {
                Answer a = read(req, version);
                if (a.satisfies(req) || System.nanoTime() >= deadline) {
                    finish(a.response, null);
                }
            } catch (RuntimeException e) {
                finish(null, e);
            }
        }

        private void expire() {
            if (out.isDone()) {
                return; // answered by a wake that came before the timer was recorded
            }
            try {
                finish(read(req, version).response, null);
            } catch (RuntimeException e) {
                finish(null, e);
            }
        }

        private void finish(ApiMessage response, Throwable error) {
            boolean first = error == null ? out.complete(response) : out.completeExceptionally(error);
            if (first) {
                waits.unregister(this, partitions);
                Future<?> t = timeout;
                if (t != null) {
                    t.cancel(false);
                }
            }
        }
    }

    private record Answer(FetchResponseData response, long bytes, boolean errors) {
        boolean satisfies(FetchRequestData req) {
            return bytes >= Math.max(1, req.minBytes()) || errors;
        }
    }

    private Answer read(FetchRequestData req, short version) {
        FetchResponseData resp = new FetchResponseData().setSessionId(0).setErrorCode(Errors.NONE.code());
        long budget = req.maxBytes() <= 0 ? Integer.MAX_VALUE : req.maxBytes();
        long bytes = 0;
        boolean errors = false;
        for (FetchRequestData.FetchTopic t : req.topics()) {
            FetchResponseData.FetchableTopicResponse tr = new FetchResponseData.FetchableTopicResponse().setTopic(t.topic())
                    .setTopicId(t.topicId());
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                TopicPartition tp = new TopicPartition(t.topic(), p.partition());
                FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData().setPartitionIndex(p.partition())
                        .setRecords(MemoryRecords.EMPTY);
                int max = (int) Math.min(p.partitionMaxBytes(), bytes == 0 ? Math.max(budget, 1) : budget - bytes);
                ReadResult r = partitions.read(tp, p.fetchOffset(), Math.max(0, max), p.currentLeaderEpoch());
                fill(pd, r, tp, version);
                errors |= r.error() != PartitionError.NONE;
                boolean fits = bytes == 0 || r.records().length() <= max; // the log always returns its first batch
                if (max > 0 && fits && r.error() == PartitionError.NONE && !r.records().isEmpty()) {
                    pd.setRecords(new SliceRecords(r.records()));
                    bytes += r.records().length();
                }
                tr.partitions().add(pd);
            }
            resp.responses().add(tr);
        }
        return new Answer(resp, bytes, errors);
    }

    private void fill(FetchResponseData.PartitionData pd, ReadResult r, TopicPartition tp, short version) {
        pd.setErrorCode(KafkaErrors.of(r.error()).code())
                .setHighWatermark(r.highWatermark())
                .setLastStableOffset(r.highWatermark())
                .setLogStartOffset(r.logStartOffset())
                .setPreferredReadReplica(-1);
        boolean redirect = r.error() == PartitionError.NOT_LEADER || r.error() == PartitionError.FENCED_LEADER_EPOCH;
        if (redirect && version >= CURRENT_LEADER_VERSION) {
            PartitionLeader recorded = partitions.leader(tp).orElse(null);
            int leader = r.leaderHint() >= 0 ? r.leaderHint() : recorded == null ? -1 : recorded.leader();
            if (leader >= 0) {
                int epoch = recorded != null && recorded.leader() == leader ? recorded.leaderEpoch() : -1;
                pd.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch().setLeaderId(leader).setLeaderEpoch(epoch));
            }
        }
    }
}
