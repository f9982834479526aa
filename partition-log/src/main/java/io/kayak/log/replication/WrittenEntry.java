package io.kayak.log.replication;

import java.nio.ByteBuffer;

/**
 * What writing one records entry did on this replica: appended at offsets, recognised as a duplicate of a
 * batch appended before (its original offsets), or refused. Decided at write time, identically on every
 * replica (same entries, same order, same producer state), and answered to the client at apply time.
 *
 * <p>Encoding ({@link #BYTES} bytes): index(8) firstOffset(8) lastOffset(8) kind(1) error(1) producerId(8)
 * producerEpoch(2) firstSeq(4) lastSeq(4).
 */
record WrittenEntry(long index, Kind kind, ProduceError error, long firstOffset, long lastOffset, long producerId,
                    short producerEpoch, int firstSeq, int lastSeq, String message) {
    static final int BYTES = 8 + 8 + 8 + 1 + 1 + 8 + 2 + 4 + 4;

    enum Kind { APPENDED, DUPLICATE, REFUSED }

    boolean appended() {
        return kind == Kind.APPENDED;
    }

    /** Whether applying it changes the producer state: an idempotent batch that was appended. */
    boolean recordsProducer() {
        return kind == Kind.APPENDED && producerId >= 0;
    }

    ProduceReply reply() {
        switch (kind) {
            case APPENDED:
                return ProduceReply.appended(firstOffset, lastOffset, false);
            case DUPLICATE:
                return ProduceReply.appended(firstOffset, lastOffset, true);
            default:
                return ProduceReply.refused(error, message);
        }
    }

    void recordInto(ProducerStateTable table) {
        if (recordsProducer()) {
            table.record(producerId, producerEpoch, firstSeq, lastSeq, firstOffset, lastOffset);
        }
    }

    void writeTo(ByteBuffer b) {
        b.putLong(index).putLong(firstOffset).putLong(lastOffset).put((byte) kind.ordinal()).put((byte) error.ordinal())
                .putLong(producerId).putShort(producerEpoch).putInt(firstSeq).putInt(lastSeq);
    }

    static WrittenEntry readFrom(ByteBuffer b) {
        long index = b.getLong();
        long first = b.getLong();
        long last = b.getLong();
        Kind kind = Kind.values()[b.get()];
        ProduceError error = ProduceError.values()[b.get()];
        return new WrittenEntry(index, kind, error, first, last, b.getLong(), b.getShort(), b.getInt(), b.getInt(),
                kind == Kind.REFUSED ? "refused when written (" + error + ")" : "");
    }
}
