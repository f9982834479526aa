package io.kayak.log.replication;

import java.nio.ByteBuffer;

/**
 * The state machine's answer to one replicated append, the same on every replica: the offsets it got (or,
 * for a duplicate, got the first time), or why it was refused. Encoding: error(1) firstOffset(8)
 * lastOffset(8) duplicate(1) messageLength(4) message.
 */
public record ProduceReply(ProduceError error, long firstOffset, long lastOffset, boolean duplicate, String message) {

    public static ProduceReply appended(long first, long last, boolean duplicate) {
        return new ProduceReply(ProduceError.NONE, first, last, duplicate, "");
    }

    public static ProduceReply refused(ProduceError error, String message) {
        return new ProduceReply(error, -1, -1, false, message);
    }

    public byte[] encode() {
        byte[] m = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 8 + 8 + 1 + 4 + m.length).put((byte) error.ordinal()).putLong(firstOffset)
                .putLong(lastOffset).put((byte) (duplicate ? 1 : 0)).putInt(m.length).put(m).array();
    }

    public static ProduceReply decode(ByteBuffer b) {
        ProduceError error = ProduceError.values()[b.get()];
        long first = b.getLong();
        long last = b.getLong();
        boolean dup = b.get() == 1;
        byte[] m = new byte[b.getInt()];
        b.get(m);
        return new ProduceReply(error, first, last, dup, new String(m, java.nio.charset.StandardCharsets.UTF_8));
    }
}
