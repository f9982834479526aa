package io.kayak.log.replication;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a replica records at each Ratis snapshot, in its partition log's state blob: the applied Raft term and
 * index, the high watermark at that index, and the applied producer state. Restoring it and replaying the
 * entries after the index rebuilds the replica; a follower installing the log from its leader adopts the
 * leader's.
 *
 * <p>Encoding: version(1) term(8) index(8) highWatermark(8) producer state ({@link ProducerStateTable#encode}).
 */
record RecordedState(long term, long index, long highWatermark, ProducerStateTable producers) {
    static final byte VERSION = 3;

    byte[] encode() {
        byte[] p = producers.encode();
        return ByteBuffer.allocate(1 + 8 + 8 + 8 + p.length).put(VERSION).putLong(term).putLong(index)
                .putLong(highWatermark).put(p).array();
    }

    /** Decodes a blob; {@code null} for an empty one (nothing recorded yet). */
    static RecordedState decode(byte[] blob, String partition) throws IOException {
        if (blob.length == 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(blob);
        byte version = b.get();
        if (version != VERSION) {
            throw new IOException("partition " + partition + " has replication state version " + version
                    + "; this build reads " + VERSION);
        }
        long term = b.getLong();
        long index = b.getLong();
        long hw = b.getLong();
        return new RecordedState(term, index, hw, ProducerStateTable.decode(b));
    }
}
