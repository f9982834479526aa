package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.protocol.SliceRecords;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.PartitionService;
import io.kayak.network.service.ReadResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * Fetch: every requested partition is listed in the answer (Kafka clients require it), with whole batches from
 * the fetch offset below the high watermark, bounded by {@code partition_max_bytes} and, over the response,
 * {@code max_bytes} (the first batch always comes whole, so a consumer makes progress). Fetch sessions are
 * declined (session id 0), so clients keep sending full requests.
 *
 * <p>Waiting for {@code min_bytes}: until {@code max_wait_ms} passes, a fetch that found less is tried again
 * every {@link #RECHECK_MS} on the injected timer (polling, not yet a delayed-operation queue woken by appends).
 *
 * <p>Zero-copy: the batches stay in the segment files; the response carries {@link SliceRecords} that the
 * encoder turns into file regions.
 */
public final class FetchHandler implements ApiHandler {
    static final long RECHECK_MS = 10;

    private final PartitionService partitions;
    private final ScheduledExecutorService timer;

    public FetchHandler(PartitionService partitions, ScheduledExecutorService timer) {
        this.partitions = partitions;
        this.timer = timer;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        FetchRequestData req = (FetchRequestData) request.body();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, req.maxWaitMs()));
        CompletableFuture<ApiMessage> out = new CompletableFuture<>();
        attempt(req, deadline, out);
        return out;
    }

    private void attempt(FetchRequestData req, long deadline, CompletableFuture<ApiMessage> out) {
        try {
            Answer a = read(req);
            if (a.bytes >= Math.max(1, req.minBytes()) || a.errors || System.nanoTime() >= deadline) {
                out.complete(a.response);
                return;
            }
            timer.schedule(() -> attempt(req, deadline, out), RECHECK_MS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            out.completeExceptionally(e); // closes the connection; RejectedExecutionException: shutting down
        }
    }

    private record Answer(FetchResponseData response, long bytes, boolean errors) {
    }

    private Answer read(FetchRequestData req) {
        FetchResponseData resp = new FetchResponseData().setSessionId(0).setErrorCode(Errors.NONE.code());
        long budget = req.maxBytes() <= 0 ? Integer.MAX_VALUE : req.maxBytes();
        long bytes = 0;
        boolean errors = false;
        for (FetchRequestData.FetchTopic t : req.topics()) {
            FetchResponseData.FetchableTopicResponse tr = new FetchResponseData.FetchableTopicResponse().setTopic(t.topic())
                    .setTopicId(t.topicId());
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData().setPartitionIndex(p.partition())
                        .setRecords(MemoryRecords.EMPTY);
                int max = (int) Math.min(p.partitionMaxBytes(), bytes == 0 ? Math.max(budget, 1) : budget - bytes);
                if (max <= 0) {
                    ReadResult peek = partitions.read(new TopicPartition(t.topic(), p.partition()), p.fetchOffset(), 0);
                    fill(pd, peek);
                } else {
                    ReadResult r = partitions.read(new TopicPartition(t.topic(), p.partition()), p.fetchOffset(), max);
                    fill(pd, r);
                    errors |= r.error() != PartitionError.NONE;
                    if (r.error() == PartitionError.NONE && !r.records().isEmpty()) {
                        pd.setRecords(new SliceRecords(r.records()));
                        bytes += r.records().length();
                    }
                }
                tr.partitions().add(pd);
            }
            resp.responses().add(tr);
        }
        return new Answer(resp, bytes, errors);
    }

    private static void fill(FetchResponseData.PartitionData pd, ReadResult r) {
        pd.setErrorCode(KafkaErrors.of(r.error()).code())
                .setHighWatermark(r.highWatermark())
                .setLastStableOffset(r.highWatermark())
                .setLogStartOffset(r.logStartOffset())
                .setPreferredReadReplica(-1);
    }

}
