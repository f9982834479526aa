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

    /** The size of an entry carrying one single-record request per sequence in [from, to). */
    private static int entryBytes(int from, int to) {
        int bytes = 1;
        for (int seq = from; seq < to; seq++) {
            bytes += idempotent(7, seq, 1).remaining();
        }
        return bytes;
    }

    /**
     * Drives a lingering queue through {@link AppendQueue#LINGER_STREAK_MIN} - 1 entries answered with five or more
     * requests outstanding, none of which lingers; leaves an entry of three out and three waiting.
     *
     * @return the next sequence number
     */
    private int sustainedLoad(AppendQueue q) {
        int seq = 0;
        for (; seq < 5; seq++) {
            q.offer(request(idempotent(7, seq, 1)));
        }
        for (int i = 0; i < AppendQueue.LINGER_STREAK_MIN - 1; i++) {
            int sent = entries.size();
            answers.get(sent - 1).complete(appended(0, 0));
            assertEquals(sent + 1, entries.size(), "no linger before the load has lasted");
            for (int k = 0; k < 3; k++) {
                q.offer(request(idempotent(7, seq++, 1)));
            }
        }
        assertTrue(timer.tasks.isEmpty());
        return seq;
    }

    /** Six requests outstanding under lasting load, three answered: the queue waits for the three that replace them. */
    @Test
    void underLastingLoadAnAnsweredEntryWaitsForTheClientsToRefillTheWindowThenSendsItWhole() {
        CountedLingers lingers = new CountedLingers();
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, lingers);
        int seq = sustainedLoad(q);
        int expected = entryBytes(seq - 3, seq + 3);
        int sent = entries.size();
        CompletableFuture<AppendQueue.Part> answered = answers.get(sent - 1).thenApply(a -> null);
        answers.get(sent - 1).complete(appended(0, 0));
        assertEquals(sent, entries.size(), "three wait where six were outstanding: the queue lingers");
        assertEquals(List.of(TimeUnit.MILLISECONDS.toNanos(3)), timer.delaysNs);
        assertEquals(1, lingers.started);

        List<CompletableFuture<AppendQueue.Part>> refill = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertEquals(sent, entries.size());
            refill.add(q.offer(request(idempotent(7, seq++, 1))));
        }
        assertEquals(sent + 1, entries.size(), "the request that refills the window ends the linger");
        assertEquals(expected, entries.get(sent).size(), "one entry carries the whole window");
        assertTrue(timer.futures.get(0).isCancelled());
        timer.tasks.get(0).run();
        assertEquals(sent + 1, entries.size(), "a timer that fires after the linger ended sends nothing");
        assertTrue(answered.isDone());
        assertEquals(1, lingers.started);
        assertEquals(0, lingers.expired, "the window refilled: not counted as expired");

        answers.get(sent).complete(appended(0, 5));
        for (int i = 0; i < refill.size(); i++) {
            assertEquals(3 + i, refill.get(i).join().offsetDelta(), "after the three that waited before the linger");
        }
    }

    @Test
    void theTimerSendsWhatWaitsWhenTheClientsDoNotRefillTheWindow() {
        CountedLingers lingers = new CountedLingers();
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, lingers);
        int seq = sustainedLoad(q);
        int sent = entries.size();
        answers.get(sent - 1).complete(appended(0, 0));
        q.offer(request(idempotent(7, seq, 1)));
        assertEquals(sent, entries.size(), "four of six wait: still lingering");

        timer.tasks.get(0).run();
        assertEquals(sent + 1, entries.size());
        assertEquals(entryBytes(seq - 3, seq + 1), entries.get(sent).size(), "the timer sends the four");
        assertEquals(1, lingers.started);
        assertEquals(1, lingers.expired);
    }

    /** Counts what the queue reports, as the node's metrics do. */
    private static final class CountedLingers implements AppendQueue.Lingers {
        int started;
        int expired;

        @Override
        public void started() {
            started++;
        }

        @Override
        public void expired() {
            expired++;
        }
    }

    @Test
    void aPartitionWithFewerRequestsOutstandingThanTheMinimumNeverLingers() {
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, AppendQueue.Lingers.NONE);
        for (int round = 0; round < 2 * AppendQueue.LINGER_STREAK_MIN; round++) {
            q.offer(request(idempotent(7, 2 * round, 1)));
            q.offer(request(idempotent(7, 2 * round + 1, 1)));
            answers.get(entries.size() - 1).complete(appended(0, 0));
            answers.get(entries.size() - 1).complete(appended(0, 0));
        }
        assertEquals(2 * 2 * AppendQueue.LINGER_STREAK_MIN, entries.size(), "two outstanding: every entry goes at once");
        assertTrue(timer.tasks.isEmpty());
    }

    @Test
    void aClosedTimerSendsWhatWaitsAtOnce() {
        AppendQueue q = new AppendQueue(1 << 20, true, TimeUnit.MILLISECONDS.toNanos(3), timer, AppendQueue.Lingers.NONE);
        sustainedLoad(q);
        int sent = entries.size();
        timer.shutdownNow();
        answers.get(sent - 1).complete(appended(0, 0));
        assertEquals(sent + 1, entries.size(), "a node closing its timer does not strand the waiting requests");
    }
}
