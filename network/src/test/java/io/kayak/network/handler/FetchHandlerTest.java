package io.kayak.network.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.network.delay.DelayedFetches;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.Acks;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.OffsetResult;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.PartitionLeader;
import io.kayak.network.service.PartitionListener;
import io.kayak.network.service.PartitionService;
import io.kayak.network.service.ReadResult;
import io.kayak.network.service.RecordsSlice;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delayed-fetch queue over a scripted partition service: a fetch that finds nothing parks and is read again
 * only when its partition reports a change or {@code max_wait_ms} passes (no polling), answers as soon as an
 * append is reported, and a partition whose leader moved away answers with the current leader (v12+).
 */
class FetchHandlerTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile int available;
    private volatile PartitionError error = PartitionError.NONE;
    private PartitionListener listener;

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private final PartitionService partitions = new PartitionService() {
        @Override
        public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records, Acks acks, long timeoutMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ReadResult read(TopicPartition partition, long offset, int maxBytes, int currentLeaderEpoch) {
            reads.incrementAndGet();
            if (error != PartitionError.NONE) {
                return ReadResult.failed(error, error == PartitionError.NOT_LEADER ? 3 : -1);
            }
            return new ReadResult(PartitionError.NONE, offset + (available > 0 ? 1 : 0), 0,
                    available > 0 ? new RecordsSlice(null, 0, available) : RecordsSlice.EMPTY, -1);
        }

        @Override
        public OffsetResult listOffset(TopicPartition partition, long timestamp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<OffsetResult> deleteRecords(TopicPartition partition, long offset, long timeoutMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<PartitionLeader> leader(TopicPartition partition) {
            return Optional.of(new PartitionLeader(3, 7, List.of(1, 2, 3), List.of(1, 2, 3)));
        }

        @Override
        public CompletableFuture<io.kayak.network.service.ElectionResult> electPreferred(TopicPartition partition, long timeoutMs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.kayak.network.service.EpochEndOffset endOffsetForEpoch(TopicPartition partition, int currentLeaderEpoch,
                                                                         int leaderEpoch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<io.kayak.network.service.LogDirInfo> logDirs() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addListener(PartitionListener l) {
            listener = l;
        }
    };

    private FetchHandler handler() {
        DelayedFetches waits = new DelayedFetches();
        partitions.addListener(waits);
        return new FetchHandler(partitions, timer, waits);
    }

    private static KafkaRequest fetch(short version, int maxWaitMs) {
        FetchRequestData body = new FetchRequestData().setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(1 << 20)
                .setTopics(List.of(new FetchRequestData.FetchTopic().setTopic(TP.topic()).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(TP.partition()).setFetchOffset(5)
                                .setPartitionMaxBytes(1 << 20)))));
        RequestHeader header = new RequestHeader(new RequestHeaderData().setRequestApiKey(ApiKeys.FETCH.id)
                .setRequestApiVersion(version).setCorrelationId(1).setClientId("t"), ApiKeys.FETCH.requestHeaderVersion(version));
        return new KafkaRequest(header, body, "PLAINTEXT");
    }

    private static FetchResponseData.PartitionData only(ApiMessage m) {
        return ((FetchResponseData) m).responses().get(0).partitions().get(0);
    }

    /** Runs after everything already queued on the timer (the read right after parking, a woken re-read). */
    private void drainTimer() throws Exception {
        timer.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aParkedFetchAnswersWhenItsPartitionReportsAnAppend() throws Exception {
        FetchHandler h = handler();
        CompletableFuture<ApiMessage> f = h.handle(fetch((short) 12, 60_000));
        drainTimer();
        assertFalse(f.isDone(), "nothing to read: the fetch waits");
        assertEquals(2, reads.get(), "read once, then once more after parking, and not again until woken");

        listener.partitionChanged(new TopicPartition("other", 0));
        drainTimer();
        assertEquals(2, reads.get(), "a change of another partition does not wake it");

        available = 100;
        long woken = System.nanoTime();
        listener.partitionChanged(TP);
        FetchResponseData.PartitionData p = only(f.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - woken < TimeUnit.SECONDS.toNanos(5), "answered on the wake, not at max_wait_ms");
        assertEquals(Errors.NONE.code(), p.errorCode());
        assertEquals(100, p.records().sizeInBytes());
        assertEquals(3, reads.get());
    }

    @Test
    void aFetchThatGetsNothingAnswersAtMaxWaitHavingReadOnlyThreeTimes() throws Exception {
        FetchHandler h = handler();
        long start = System.nanoTime();
        CompletableFuture<ApiMessage> f = h.handle(fetch((short) 12, 300));
        FetchResponseData.PartitionData p = only(f.get(5, TimeUnit.SECONDS));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= 300 && elapsedMs < 3_000, "answered after " + elapsedMs + " ms");
        assertEquals(0, p.records().sizeInBytes());
        assertEquals(3, reads.get(), "first read, the read after parking, the read at expiry: no polling");
        listener.partitionChanged(TP);
        drainTimer();
        assertEquals(3, reads.get(), "an answered fetch is no longer parked");
    }

    @Test
    void aLeaderChangeAnswersAParkedFetchWithTheCurrentLeaderFromVersionTwelve() throws Exception {
        for (short v : new short[] {11, 12}) {
            error = PartitionError.NONE;
            FetchHandler h = handler();
            CompletableFuture<ApiMessage> f = h.handle(fetch(v, 60_000));
            drainTimer();
            assertFalse(f.isDone());
            error = PartitionError.NOT_LEADER;
            listener.partitionChanged(TP);
            FetchResponseData.PartitionData p = only(f.get(5, TimeUnit.SECONDS));
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), p.errorCode());
            if (v < 12) {
                assertEquals(-1, p.currentLeader().leaderId(), "v" + v + " cannot carry it");
            } else {
                assertEquals(3, p.currentLeader().leaderId());
                assertEquals(7, p.currentLeader().leaderEpoch());
            }
        }
    }

    @Test
    void aFencedEpochNamesTheCurrentLeaderToo() throws Exception {
        error = PartitionError.FENCED_LEADER_EPOCH;
        FetchResponseData.PartitionData p = only(handler().handle(fetch((short) 12, 60_000)).get(5, TimeUnit.SECONDS));
        assertEquals(Errors.FENCED_LEADER_EPOCH.code(), p.errorCode());
        assertEquals(3, p.currentLeader().leaderId());
        assertEquals(1, reads.get(), "errors answer at once");
    }
}
