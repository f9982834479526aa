package io.kayak.log.batch;

import java.nio.ByteBuffer;

/**
 * Field positions of a Kafka v2 record batch header (KIP-98), read with absolute gets so that nothing is
 * allocated and the buffer's position is untouched.
 *
 * <pre>
 * offset  size  field
 *      0     8  baseOffset
 *      8     4  batchLength            bytes after this field: whole batch size - {@link #LOG_OVERHEAD}
 *     12     4  partitionLeaderEpoch
 *     16     1  magic                  = {@link #MAGIC_V2}
 *     17     4  crc                    CRC-32C of bytes [{@link #ATTRIBUTES_OFFSET}, end)
 *     21     2  attributes
 *     23     4  lastOffsetDelta
 *     27     8  baseTimestamp
 *     35     8  maxTimestamp
 *     43     8  producerId
 *     51     2  producerEpoch
 *     53     4  baseSequence
 *     57     4  recordsCount
 *     61        records...
 * </pre>
 * The CRC does not cover baseOffset or partitionLeaderEpoch, so the log may rewrite both without
 * invalidating it.
 */
public final class RecordBatchHeader {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORDS_COUNT_OFFSET = 57;
    /** Size of the fixed header; the smallest valid batch (it would hold no records) has this size. */
    public static final int HEADER_SIZE = 61;
    /** baseOffset + batchLength: the bytes that batchLength does not count. */
    public static final int LOG_OVERHEAD = 12;
    public static final byte MAGIC_V2 = 2;

    private RecordBatchHeader() {
    }

    public static long baseOffset(ByteBuffer buf, int batchStart) {
        return buf.getLong(batchStart + BASE_OFFSET_OFFSET);
    }

    /** Total size of the batch in bytes as its header declares it. */
    public static int declaredSize(ByteBuffer buf, int batchStart) {
        return buf.getInt(batchStart + LENGTH_OFFSET) + LOG_OVERHEAD;
    }

    public static byte magic(ByteBuffer buf, int batchStart) {
        return buf.get(batchStart + MAGIC_OFFSET);
    }

    public static long storedCrc(ByteBuffer buf, int batchStart) {
        return Integer.toUnsignedLong(buf.getInt(batchStart + CRC_OFFSET));
    }

    public static int lastOffsetDelta(ByteBuffer buf, int batchStart) {
        return buf.getInt(batchStart + LAST_OFFSET_DELTA_OFFSET);
    }

    public static long maxTimestamp(ByteBuffer buf, int batchStart) {
        return buf.getLong(batchStart + MAX_TIMESTAMP_OFFSET);
    }

    public static int recordsCount(ByteBuffer buf, int batchStart) {
        return buf.getInt(batchStart + RECORDS_COUNT_OFFSET);
    }

    /** Rewrites the base offset in place; the CRC stays valid because it does not cover this field. */
    public static void setBaseOffset(ByteBuffer buf, int batchStart, long baseOffset) {
        buf.putLong(batchStart + BASE_OFFSET_OFFSET, baseOffset);
    }
}
