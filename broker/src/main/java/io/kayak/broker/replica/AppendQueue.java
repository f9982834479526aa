package io.kayak.broker.replica;

import io.kayak.log.batch.RecordBatchHeader;
import io.kayak.log.replication.ProduceError;
import io.kayak.log.replication.ProduceReply;
import io.kayak.network.service.PartitionError;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Group commit for the produce requests of one partition this node leads: while an entry of the partition is
 * being replicated, requests that arrive wait here, and once it is answered the next entry carries as many of the
 * waiting ones as fit. Each Raft entry costs a log append and fsync on every replica, an append RPC per follower,
 * a commit and an apply whatever its size, so a partition under load makes fewer, larger entries.
 *
 * <p>What may share an entry: consecutive requests of no idempotent producer, or consecutive requests of one
 * idempotent producer (same id and epoch) whose sequences follow on without wrapping, so that the entry's sequence
 * range maps one to one onto its offsets and the producer state can recognise each request's batch on a retry
 * ({@code ProducerStateTable}). Everything else gets an entry of its own, in arrival order. An entry is judged as a
 * whole on every replica; when a shared entry is refused (a retried request among new ones, after a leader change,
 * makes the range neither new nor a duplicate), its requests go again, each in an entry of its own, so each gets
 * its own verdict. Bounded: an entry holds at most {@code maxEntryBytes}; the requests waiting are those the
 * clients have in flight.
 *
 * <p><b>Linger.</b> A client keeps a bounded number of requests in flight per connection (Kafka's producer five),
 * so under load the requests of a partition split into the entry that is out and those that wait for it, and
 * entries alternate between the two halves: on average half the window per entry. When an entry is answered while
 * at least {@link #LINGER_WINDOW_MIN} requests were outstanding (the entry's and the waiting ones), the queue waits
 * up to {@code lingerNs} for the clients to replace the answered requests before it sends the next entry, so that
 * the next entry carries the whole window; it sends as soon as as many wait as were outstanding. A partition with
 * fewer requests outstanding never lingers, and neither does one whose load is not sustained: the queue lingers only
 * after {@link #LINGER_STREAK_MIN} entries in a row were answered with the window that full. A fixed-rate producer
 * catching up after a pause has several requests outstanding for an entry or two (group commit sends all that wait
 * in one), not for that many, so fixed-rate loads below saturation do not linger.
 *
 * <p>Thread model: any thread offers; the monitor guards the waiting requests, whether an entry is out and the
 * linger; entries are sent outside it, one at a time, by the thread that offered to an idle queue, that completed
 * the last entry, that offered the request ending a linger, or the linger's timer.
 */
final class AppendQueue {
    /** What replicating an entry came to: the state machine's reply, or a failure before one. */
    record Answer(ProduceReply reply, PartitionError error, int leaderHint, String message) {
        static Answer of(ProduceReply reply) {
            return new Answer(reply, PartitionError.NONE, -1, "");
        }

        static Answer failed(PartitionError error, int leaderHint, String message) {
            return new Answer(null, error, leaderHint, message);
        }

        boolean refused() {
            return reply != null && reply.error() != ProduceError.NONE;
        }
    }

    /** What one request learns: the answer to the entry that carried it, and where its records start in it. */
    record Part(Answer answer, long offsetDelta) {
    }

    /** One produce request: its entry (its batches, validated, whole), and how to send an entry on its behalf. */
    static final class Request {
        /** The request alone as a records entry: a copy, since the network layer reuses its buffers. */
        final ByteString entry;
        final Function<ByteString, CompletableFuture<Answer>> sender;
        final CompletableFuture<Part> part = new CompletableFuture<>();
        private final long producerId;
        private final short epoch;
        private final int firstSeq;
        private final int lastSeq;
        /** How many offsets the request's batches take. */
        private final long offsets;
        /** Send it in an entry of its own (its shared entry was refused). */
        private boolean alone;

        Request(ByteString entry, Function<ByteString, CompletableFuture<Answer>> sender) {
            this.entry = entry;
            this.sender = sender;
            ByteBuffer records = entry.substring(1).asReadOnlyByteBuffer();
            int start = records.position();
            producerId = records.getLong(start + RecordBatchHeader.PRODUCER_ID_OFFSET);
            epoch = records.getShort(start + RecordBatchHeader.PRODUCER_EPOCH_OFFSET);
            firstSeq = records.getInt(start + RecordBatchHeader.BASE_SEQUENCE_OFFSET);
            long n = 0;
            int last = start;
            for (int pos = start; pos < records.limit(); pos += RecordBatchHeader.declaredSize(records, pos)) {
                n += RecordBatchHeader.lastOffsetDelta(records, pos) + 1L;
                last = pos;
            }
            offsets = n;
            lastSeq = records.getInt(last + RecordBatchHeader.BASE_SEQUENCE_OFFSET) + RecordBatchHeader.lastOffsetDelta(records, last);
        }

        /** How many offsets the request's batches take: its first offset is the entry's plus its part's delta. */
        long offsets() {
            return offsets;
        }

        /** Whether this request may follow {@code previous} in one entry. */
        boolean follows(Request previous) {
            if (alone || previous.alone) {
                return false;
            }
            if (producerId < 0 || previous.producerId < 0) {
                return producerId < 0 && previous.producerId < 0;
            }
            return producerId == previous.producerId && epoch == previous.epoch && previous.lastSeq >= 0
                    && previous.lastSeq != Integer.MAX_VALUE && firstSeq == previous.lastSeq + 1;
        }
    }

    /** Told of lingers, for the node's metrics; called holding the queue's monitor, so it must not block. */
    interface Lingers {
        Lingers NONE = new Lingers() {
            @Override
            public void started() {
            }

            @Override
            public void expired() {
            }
        };

        /** A linger began: the next entry waits for the clients' next requests. */
        void started();

        /** A linger ended by its timer, not by the window refilling: the entry went with what had come. */
        void expired();
    }

    /** The fewest requests outstanding (in the answered entry and waiting) for which the queue lingers. */
    static final int LINGER_WINDOW_MIN = 3;
    /** How many entries in a row must be answered with {@link #LINGER_WINDOW_MIN} outstanding before a linger. */
    static final int LINGER_STREAK_MIN = 4;

    private final int maxEntryBytes;
    private final boolean coalesce;
    private final long lingerNs;
    private final ScheduledExecutorService timer;
    private final Lingers lingers;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private boolean sending;
    /** While lingering: how many requests must wait for the next entry to go at once; 0 when not lingering. */
    private int lingerFor;
    private ScheduledFuture<?> lingerEnd;
    /** How many entries in a row were answered with at least {@link #LINGER_WINDOW_MIN} requests outstanding. */
    private int loadedStreak;

    /**
     * @param maxEntryBytes the most record bytes one entry carries
     * @param coalesce      false: every request is sent at once in an entry of its own, as they arrive
     */
    AppendQueue(int maxEntryBytes, boolean coalesce) {
        this(maxEntryBytes, coalesce, 0, null, Lingers.NONE);
    }

    /**
     * @param lingerNs how long an answered entry's successor may wait for the clients' next requests (0: never)
     * @param timer    ends lingers that no request ends; sends the entry on its thread (null when lingerNs is 0)
     * @param lingers  told when a linger starts and when its timer ends it
     */
    AppendQueue(int maxEntryBytes, boolean coalesce, long lingerNs, ScheduledExecutorService timer, Lingers lingers) {
        if (lingerNs < 0 || (lingerNs > 0 && timer == null)) {
            throw new IllegalArgumentException("a linger of " + lingerNs + " ns needs a timer");
        }
        this.maxEntryBytes = maxEntryBytes;
        this.coalesce = coalesce;
        this.lingerNs = lingerNs;
        this.timer = timer;
        this.lingers = lingers;
    }

    /** Queues a request; its future completes once the entry that carried it is answered. */
    CompletableFuture<Part> offer(Request request) {
        if (!coalesce) {
            request.sender.apply(request.entry).whenComplete((answer, error) ->
                    request.part.complete(new Part(answer != null ? answer : failure(error), 0)));
            return request.part;
        }
        List<Request> group;
        synchronized (this) {
            waiting.addLast(request);
            if (sending && (lingerFor == 0 || waiting.size() < lingerFor)) {
                return request.part;
            }
            sending = true;
            group = endLinger();
        }
        drain(group);
        return request.part;
    }

    /** The timer's end of a linger that no request ended. */
    private void lingerOver() {
        List<Request> group;
        synchronized (this) {
            if (lingerFor == 0) {
                return; // a request ended it first
            }
            lingers.expired();
            group = endLinger();
        }
        drain(group);
    }

    /** Ends a linger if one runs; the next group. Call holding the monitor. */
    private List<Request> endLinger() {
        if (lingerFor > 0) {
            lingerFor = 0;
            lingerEnd.cancel(false);
            lingerEnd = null;
        }
        return nextGroup();
    }

    /**
     * Whether to wait for the clients' next requests rather than send the ones waiting now, and if so starts the
     * linger. Call holding the monitor, with an entry just answered and {@code outstanding} requests in its window.
     */
    private boolean linger(int outstanding) {
        if (outstanding < LINGER_WINDOW_MIN) {
            loadedStreak = 0;
            return false;
        }
        loadedStreak = Math.min(loadedStreak + 1, LINGER_STREAK_MIN);
        if (lingerNs == 0 || loadedStreak < LINGER_STREAK_MIN || waiting.size() >= outstanding) {
            return false;
        }
        try {
            lingerEnd = timer.schedule(this::lingerOver, lingerNs, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return false; // the node is closing: send what waits
        }
        lingerFor = outstanding;
        lingers.started();
        return true;
    }

    /** Sends groups until one is still out (its completion carries on) or nothing waits. */
    private void drain(List<Request> group) {
        while (group != null) {
            List<Request> sent = group;
            CompletableFuture<Answer> answer = send(sent);
            if (!answer.isDone()) {
                answer.whenComplete((a, error) -> drain(finish(sent, a != null ? a : failure(error))));
                return;
            }
            group = finish(sent, answer.handle((a, error) -> a != null ? a : failure(error)).join());
        }
    }

    private static CompletableFuture<Answer> send(List<Request> group) {
        ByteString entry = group.get(0).entry;
        if (group.size() > 1) { // one flat array: the state machine reads the batch headers through a ByteBuffer view
            int size = 1;
            for (Request r : group) {
                size += r.entry.size() - 1;
            }
            byte[] flat = new byte[size];
            entry.copyTo(flat, 0);
            int at = entry.size();
            for (int i = 1; i < group.size(); i++) {
                ByteString more = group.get(i).entry;
                more.copyTo(flat, 1, at, more.size() - 1);
                at += more.size() - 1;
            }
            entry = UnsafeByteOperations.unsafeWrap(flat);
        }
        try {
            return group.get(0).sender.apply(entry);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(e));
        }
    }

    /** Answers a group's requests (or queues them again, one entry each, if it was refused); the next group. */
    private List<Request> finish(List<Request> group, Answer answer) {
        if (group.size() > 1 && answer.refused()) {
            synchronized (this) {
                for (int i = group.size() - 1; i >= 0; i--) {
                    group.get(i).alone = true;
                    waiting.addFirst(group.get(i));
                }
                return nextGroup();
            }
        }
        int outstanding;
        synchronized (this) {
            outstanding = group.size() + waiting.size();
        }
        long delta = 0;
        for (Request r : group) {
            r.part.complete(new Part(answer, delta));
            delta += r.offsets;
        }
        synchronized (this) {
            return linger(outstanding) ? null : nextGroup();
        }
    }

    /** The longest run of waiting requests that may share an entry; null (and idle) when none waits. */
    private List<Request> nextGroup() {
        Request head = waiting.pollFirst();
        if (head == null) {
            sending = false;
            return null;
        }
        List<Request> group = new ArrayList<>();
        group.add(head);
        long bytes = head.entry.size() - 1;
        for (Request next = waiting.peekFirst(); next != null && next.follows(group.get(group.size() - 1))
                && bytes + next.entry.size() - 1 <= maxEntryBytes; next = waiting.peekFirst()) {
            group.add(waiting.pollFirst());
            bytes += next.entry.size() - 1;
        }
        return group;
    }

    private static Answer failure(Throwable error) {
        return Answer.failed(PartitionError.LEADER_NOT_AVAILABLE, -1, String.valueOf(error));
    }
}
