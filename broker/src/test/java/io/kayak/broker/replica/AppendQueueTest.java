package io.kayak.broker.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.log.replication.PartitionEntry;
import io.kayak.log.replication.ProduceError;
import io.kayak.log.replication.ProduceReply;
import io.kayak.network.service.PartitionError;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue alone, with a sender that records entries and answers them when the test says. */
class AppendQueueTest {
    private final List<ByteString> entries = new ArrayList<>();
    private final List<CompletableFuture<AppendQueue.Answer>> answers = new ArrayList<>();
    private final ManualTimer timer = new ManualTimer();
    private long nowNs = 1_000;

    /** A timer whose tasks run only when the test fires them; their futures are real, so cancels show. */
    private static final class ManualTimer extends ScheduledThreadPoolExecutor {
        final List<Runnable> tasks = new ArrayList<>();
        final List<ScheduledFuture<?>> futures = new ArrayList<>();
        final List<Long> delaysNs = new ArrayList<>();

        ManualTimer() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            tasks.add(task);
            delaysNs.add(unit.toNanos(delay));
            ScheduledFuture<?> f = super.schedule(() -> { }, 1, TimeUnit.HOURS);
            futures.add(f);
            return f;
        }
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private AppendQueue.Request request(ByteBuffer records) {
        return new AppendQueue.Request(PartitionEntry.records(records), entry -> {
            entries.add(entry);
            CompletableFuture<AppendQueue.Answer> f = new CompletableFuture<>();
            answers.add(f);
            return f;
        });
    }

    private static ByteBuffer idempotent(long producerId, int seq, int records) {
        SimpleRecord[] rs = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            rs[i] = new SimpleRecord(("v" + (seq + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, seq, rs).buffer();
    }

    private static ByteBuffer plain(int records) {
        SimpleRecord[] rs = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            rs[i] = new SimpleRecord(("p" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, rs).buffer();
    }

    private static AppendQueue.Answer appended(long first, long last) {
        return AppendQueue.Answer.of(ProduceReply.appended(first, last, false));
    }

    @Test
    void requestsArrivingWhileAnEntryIsOutShareTheNextOneAndEachLearnsItsOffsets() {
        AppendQueue q = new AppendQueue(1 << 20, true);
        var first = q.offer(request(idempotent(7, 0, 2)));
        assertEquals(1, entries.size(), "an idle partition sends at once");
        var second = q.offer(request(idempotent(7, 2, 3)));
        var third = q.offer(request(idempotent(7, 5, 1)));
        var plain = q.offer(request(plain(4)));
        assertEquals(1, entries.size(), "nothing more goes while the entry is out");

        answers.get(0).complete(appended(100, 101));
        assertEquals(new AppendQueue.Part(appended(100, 101), 0), first.join());
        assertEquals(2, entries.size(), "the producer's next two requests go together, the other producer's apart");
        assertEquals(1 + idempotent(7, 2, 3).remaining() + idempotent(7, 5, 1).remaining(), entries.get(1).size());
        assertFalse(second.isDone());

        answers.get(1).complete(appended(102, 105));
        assertEquals(0, second.join().offsetDelta());
        assertEquals(3, third.join().offsetDelta(), "the third starts after the second's three records");
        assertEquals(3, entries.size());
        answers.get(2).complete(appended(106, 109));
        assertEquals(new AppendQueue.Part(appended(106, 109), 0), plain.join());
    }

    @Test
    void aRefusedSharedEntryIsSentAgainOneRequestPerEntryInOrder() {
        AppendQueue q = new AppendQueue(1 << 20, true);
        q.offer(request(idempotent(7, 0, 1)));
        var retried = q.offer(request(idempotent(7, 1, 1)));
        var fresh = q.offer(request(idempotent(7, 2, 1)));
        answers.get(0).complete(appended(0, 0));
        assertEquals(2, entries.size());
        answers.get(1).complete(AppendQueue.Answer.of(ProduceReply.refused(ProduceError.OUT_OF_ORDER_SEQUENCE, "part retry")));
        assertFalse(retried.isDone(), "a refusal of a shared entry is not the requests' verdict");
        assertEquals(3, entries.size());
        assertEquals(1 + idempotent(7, 1, 1).remaining(), entries.get(2).size(), "the first of them, alone");
        answers.get(2).complete(AppendQueue.Answer.of(ProduceReply.appended(1, 1, true)));
        assertTrue(retried.join().answer().reply().duplicate());
        assertEquals(4, entries.size());
        answers.get(3).complete(appended(5, 5));
        assertEquals(new AppendQueue.Part(appended(5, 5), 0), fresh.join());
    }

    @Test
    void failuresAnswerEveryRequestOfTheEntryAndBoundsAndGapsSplitEntries() {
        int size = idempotent(7, 0, 1).remaining();
        AppendQueue q = new AppendQueue(2 * size, true);
        q.offer(request(idempotent(7, 0, 1)));
        var a = q.offer(request(idempotent(7, 1, 1)));
        var b = q.offer(request(idempotent(7, 2, 1)));
        var c = q.offer(request(idempotent(7, 3, 1)));
        var gap = q.offer(request(idempotent(7, 9, 1)));
        answers.get(0).complete(appended(0, 0));
        assertEquals(1 + 2 * size, entries.get(1).size(), "at most the byte bound per entry");
        AppendQueue.Answer notLeader = AppendQueue.Answer.failed(PartitionError.NOT_LEADER, 2, "moved");
        answers.get(1).complete(notLeader);
        assertEquals(notLeader, a.join().answer());
        assertEquals(notLeader, b.join().answer());
        assertEquals(1 + size, entries.get(2).size(), "a sequence gap ends the entry");
        answers.get(2).completeExceptionally(new IllegalStateException("division closed"));
        assertEquals(PartitionError.LEADER_NOT_AVAILABLE, c.join().answer().error());
        answers.get(3).complete(appended(4, 4));
        assertEquals(0, gap.join().offsetDelta());
    }

    @Test
    void withoutCoalescingEveryRequestIsSentAtOnce() {
        AppendQueue q = new AppendQueue(1 << 20, false);
        q.offer(request(idempotent(7, 0, 1)));
        q.offer(request(idempotent(7, 1, 1)));
        assertEquals(2, entries.size());
    }

    /** Five requests outstanding, one answered: the queue waits for the producer's fifth before sending four. */
    @Test
    void anAnsweredEntryWaitsForTheClientsToRefillTheWindowThenSendsItWhole() {
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, () -> nowNs);
        int size = idempotent(7, 0, 1).remaining();
        var first = q.offer(request(idempotent(7, 0, 1)));
        List<CompletableFuture<AppendQueue.Part>> waiting = new ArrayList<>();
        for (int seq = 1; seq <= 4; seq++) {
            waiting.add(q.offer(request(idempotent(7, seq, 1))));
        }
        answers.get(0).complete(appended(0, 0));
        assertTrue(first.isDone(), "the answered request learns its answer before any linger");
        assertEquals(1, entries.size(), "four wait where five were outstanding: the queue lingers");
        assertEquals(List.of(TimeUnit.MILLISECONDS.toNanos(3)), timer.delaysNs);

        waiting.add(q.offer(request(idempotent(7, 5, 1))));
        assertEquals(2, entries.size(), "the request that refills the window ends the linger");
        assertEquals(1 + 5 * size, entries.get(1).size(), "one entry carries the whole window");
        assertTrue(timer.futures.get(0).isCancelled());
        timer.tasks.get(0).run();
        assertEquals(2, entries.size(), "a timer that fires after the linger ended sends nothing");

        answers.get(1).complete(appended(1, 5));
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals(i, waiting.get(i).join().offsetDelta());
        }
    }

    @Test
    void theTimerSendsWhatWaitsWhenTheClientsDoNotRefillTheWindow() {
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, () -> nowNs);
        int size = idempotent(7, 0, 1).remaining();
        q.offer(request(idempotent(7, 0, 1)));
        q.offer(request(idempotent(7, 1, 1)));
        var last = q.offer(request(idempotent(7, 2, 1)));
        answers.get(0).complete(appended(0, 0));
        assertEquals(1, entries.size(), "two wait where three were outstanding: the queue lingers");

        timer.tasks.get(0).run();
        assertEquals(2, entries.size());
        assertEquals(1 + 2 * size, entries.get(1).size());
        answers.get(1).complete(appended(1, 2));
        assertEquals(1, last.join().offsetDelta());
        assertEquals(1, timer.tasks.size(), "nothing waits any more: no further linger");

        q.offer(request(idempotent(7, 3, 1)));
        assertEquals(3, entries.size(), "an idle queue still sends a request at once");
    }

    /** A linger the timer ended means the window does not refill here: no linger until the backoff is over. */
    @Test
    void aLingerTheTimerEndedStopsLingeringForTheBackoff() {
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, () -> nowNs);
        int seq = 0;
        for (; seq < 3; seq++) {
            q.offer(request(idempotent(7, seq, 1)));
        }
        answers.get(0).complete(appended(0, 0));
        timer.tasks.get(0).run();
        assertEquals(2, entries.size());

        for (int i = 0; i < 3; i++) {
            q.offer(request(idempotent(7, seq++, 1)));
        }
        answers.get(1).complete(appended(1, 2));
        assertEquals(3, entries.size(), "five outstanding, three waiting, but backing off: sent at once");
        assertEquals(1, timer.tasks.size());

        nowNs += AppendQueue.LINGER_BACKOFF_NS;
        for (int i = 0; i < 2; i++) {
            q.offer(request(idempotent(7, seq++, 1)));
        }
        answers.get(2).complete(appended(3, 5));
        assertEquals(3, entries.size(), "after the backoff the queue lingers again");
        assertEquals(2, timer.tasks.size());
        for (int i = 0; i < 2; i++) {
            q.offer(request(idempotent(7, seq++, 1)));
        }
        assertEquals(3, entries.size(), "four of the five outstanding wait");
        q.offer(request(idempotent(7, seq, 1)));
        assertEquals(4, entries.size(), "and a refilled window still ends the linger");
    }

    @Test
    void aPartitionWithFewerRequestsOutstandingThanTheMinimumNeverLingers() {
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, () -> nowNs);
        for (int seq = 0; seq < AppendQueue.LINGER_WINDOW_MIN - 1; seq++) {
            q.offer(request(idempotent(7, seq, 1)));
        }
        answers.get(0).complete(appended(0, 0));
        assertEquals(2, entries.size(), "below the minimum window the next entry goes at once");
        assertTrue(timer.tasks.isEmpty());
    }

    @Test
    void aClosedTimerSendsWhatWaitsAtOnce() {
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, () -> nowNs);
        for (int seq = 0; seq < 4; seq++) {
            q.offer(request(idempotent(7, seq, 1)));
        }
        timer.shutdownNow();
        answers.get(0).complete(appended(0, 0));
        assertEquals(2, entries.size(), "a node closing its timer does not strand the waiting requests");
    }
}
