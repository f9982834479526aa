package io.kayak.log.replication;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the sequence and offset ranges
 * of its last {@link #BATCHES_KEPT} batches. Part of the replicated state: every replica updates it in the
 * same apply order, so a duplicate or an out-of-order batch is judged the same everywhere and after a leader
 * change.
 *
 * <p>Rules (Kafka's, and stricter on first batches): the first batch of a producer this partition has no state
 * for must start at sequence 0; a lower epoch is fenced; a higher epoch must start at sequence 0; in the same
 * epoch a batch equal to one of the last five, or a part of one of them (a batch of a coalesced entry), is a
 * duplicate (answered with its original offsets) and any other batch must continue the last sequence. Kafka up to
 * 4.1 accepts any first sequence, so when a producer's first request is refused retriably (a leader change) and
 * its second lands, the retried first batch can never be appended and is lost at the delivery timeout (KAFKA-14359).
 * Kayak can refuse it: state here never expires, so an unknown producer is a new one; the refused later batch is
 * retried by the client after the first one.
 * A producer that really lost its state bumps its epoch and restarts at sequence 0, which is accepted.
 *
 * <p>Thread model: confined to the state machine's apply thread.
 */
public final class ProducerStateTable {
    public static final int BATCHES_KEPT = 5;
    static final byte FORMAT_VERSION = 1;

    /**
     * One accepted entry: a batch, or consecutive batches of the producer that the leader coalesced into one entry
     * (then its sequences map one to one onto its offsets, so each batch in it is recognised on retry).
     */
    record BatchRange(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {
        /** Whether {@code first..last} is a part of this range's sequences (one of its batches, on a retry). */
        boolean covers(int first, int last) {
            return firstSeq <= lastSeq && lastSeq - firstSeq == lastOffset - firstOffset
                    && firstSeq <= first && first <= last && last <= lastSeq;
        }
    }

    private static final class Entry {
        short epoch;
        final Deque<BatchRange> batches = new ArrayDeque<>();
    }

    /** What to do with a batch. */
    public sealed interface Verdict permits Append, Duplicate, Rejected {
    }

    /** Append it. */
    public record Append() implements Verdict {
    }

    /** Already appended at these offsets. */
    public record Duplicate(long firstOffset, long lastOffset) implements Verdict {
    }

    /** Refuse it. */
    public record Rejected(ProduceError error, String message) implements Verdict {
    }

    private final Map<Long, Entry> producers = new HashMap<>();

    public Verdict check(long producerId, short epoch, int firstSeq, int lastSeq) {
        if (producerId < 0) {
            return new Append();
        }
        Entry e = producers.get(producerId);
        if (e == null) {
            return firstSeq == 0 ? new Append() : new Rejected(ProduceError.OUT_OF_ORDER_SEQUENCE, "producer " + producerId
                    + " has no batch in this partition yet: its first must start at sequence 0, not " + firstSeq);
        }
        if (epoch < e.epoch) {
            return new Rejected(ProduceError.INVALID_PRODUCER_EPOCH, "producer " + producerId + " epoch " + epoch
                    + " is older than " + e.epoch);
        }
        if (epoch > e.epoch) {
            return firstSeq == 0 ? new Append() : new Rejected(ProduceError.OUT_OF_ORDER_SEQUENCE,
                    "a new epoch of producer " + producerId + " must start at sequence 0, not " + firstSeq);
        }
        for (BatchRange b : e.batches) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return new Duplicate(b.firstOffset(), b.lastOffset());
            }
            if (b.covers(firstSeq, lastSeq)) {
                return new Duplicate(b.firstOffset() + (firstSeq - b.firstSeq()), b.firstOffset() + (lastSeq - b.firstSeq()));
            }
        }
        int expected = e.batches.isEmpty() ? 0 : nextSeq(e.batches.peekLast().lastSeq());
        if (firstSeq != expected) {
            return new Rejected(ProduceError.OUT_OF_ORDER_SEQUENCE, "producer " + producerId + " sent sequence " + firstSeq
                    + ", expected " + expected);
        }
        return new Append();
    }

    private static int nextSeq(int seq) {
        return seq == Integer.MAX_VALUE ? 0 : seq + 1;
    }

    /** Records an appended batch. */
    public void record(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset) {
        if (producerId < 0) {
            return;
        }
        Entry e = producers.computeIfAbsent(producerId, id -> new Entry());
        if (epoch != e.epoch) {
            e.epoch = epoch;
            e.batches.clear();
        }
        e.batches.addLast(new BatchRange(firstSeq, lastSeq, firstOffset, lastOffset));
        while (e.batches.size() > BATCHES_KEPT) {
            e.batches.removeFirst();
        }
    }

    public int size() {
        return producers.size();
    }

    public byte[] encode() {
        int size = 1 + 4;
        for (Entry e : producers.values()) {
            size += 8 + 2 + 4 + e.batches.size() * (4 + 4 + 8 + 8);
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(FORMAT_VERSION).putInt(producers.size());
        for (Map.Entry<Long, Entry> p : producers.entrySet()) {
            b.putLong(p.getKey()).putShort(p.getValue().epoch).putInt(p.getValue().batches.size());
            for (BatchRange r : p.getValue().batches) {
                b.putInt(r.firstSeq()).putInt(r.lastSeq()).putLong(r.firstOffset()).putLong(r.lastOffset());
            }
        }
        return b.array();
    }

    public static ProducerStateTable decode(ByteBuffer b) {
        byte version = b.get();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("producer state has format version " + version + "; this build reads "
                    + FORMAT_VERSION);
        }
        ProducerStateTable t = new ProducerStateTable();
        for (int n = b.getInt(); n > 0; n--) {
            Entry e = new Entry();
            long id = b.getLong();
            e.epoch = b.getShort();
            for (int k = b.getInt(); k > 0; k--) {
                e.batches.addLast(new BatchRange(b.getInt(), b.getInt(), b.getLong(), b.getLong()));
            }
            t.producers.put(id, e);
        }
        return t;
    }
}
