package io.kayak.log.index;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the index keeps per partition besides batch positions.
 *
 * <p>Encoding (version {@link #FORMAT_VERSION}): version(1) logStartOffset(8) recoveryPoint(8)
 * nextOffset(8) blobLength(4) blob. An unknown version is refused with {@link IllegalStateException}:
 * the caller then treats the index as unusable and rebuilds it from the segments.
 *
 * @param logStartOffset the first offset readers may see
 * @param recoveryPoint every batch below this offset was fsynced before this state was written
 * @param nextOffset the log end offset when the state was written (informational; recovery trusts the segments)
 * @param blob opaque bytes owned by the replication layer, persisted together with the recovery point
 */
public record PartitionState(long logStartOffset, long recoveryPoint, long nextOffset, byte[] blob) {
    public static final byte FORMAT_VERSION = 1;
    private static final byte[] EMPTY = new byte[0];

    public PartitionState {
        blob = blob == null ? EMPTY : blob;
    }

    public byte[] encode() {
        ByteBuffer buf = ByteBuffer.allocate(1 + 8 + 8 + 8 + 4 + blob.length);
        buf.put(FORMAT_VERSION).putLong(logStartOffset).putLong(recoveryPoint).putLong(nextOffset)
                .putInt(blob.length).put(blob);
        return buf.array();
    }

    public static PartitionState decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        byte version = buf.get();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("partition state has format version " + version
                    + "; this build reads only version " + FORMAT_VERSION);
        }
        long logStart = buf.getLong();
        long recoveryPoint = buf.getLong();
        long next = buf.getLong();
        byte[] blob = new byte[buf.getInt()];
        buf.get(blob);
        return new PartitionState(logStart, recoveryPoint, next, blob);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionState p && p.logStartOffset == logStartOffset && p.recoveryPoint == recoveryPoint
                && p.nextOffset == nextOffset && Arrays.equals(p.blob, blob);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(logStartOffset) * 31 + Long.hashCode(recoveryPoint) * 17 + Long.hashCode(nextOffset)
                + Arrays.hashCode(blob);
    }

    @Override
    public String toString() {
        return "PartitionState[logStart=" + logStartOffset + ", recoveryPoint=" + recoveryPoint + ", next=" + nextOffset
                + ", blob=" + blob.length + " bytes]";
    }
}
