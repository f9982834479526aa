package io.kayak.log.replication;

import java.nio.ByteBuffer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * The Raft log entry format of a partition group: type(1) then the payload.
 * <ul>
 *   <li>{@link #RECORDS}: one or more whole Kafka v2 record batches; idempotent ones all of one producer with
 *   consecutive sequences (the leader coalesced that producer's requests).</li>
 *   <li>{@link #DELETE_RECORDS}: offset(8), Kafka's DeleteRecords: advance the log start offset.</li>
 * </ul>
 * Every entry is judged and applied the same way on every replica.
 */
public final class PartitionEntry {
    public static final byte RECORDS = 1;
    public static final byte DELETE_RECORDS = 2;
    private static final ByteString RECORDS_TYPE = ByteString.copyFrom(new byte[] {RECORDS});

    private PartitionEntry() {
    }

    /** A records entry; copies {@code batches}' remaining bytes, leaving its position unchanged. */
    public static ByteString records(ByteBuffer batches) {
        byte[] copy = new byte[batches.remaining()];
        batches.duplicate().get(copy);
        return RECORDS_TYPE.concat(UnsafeByteOperations.unsafeWrap(copy));
    }

    public static ByteString deleteRecords(long beforeOffset) {
        return UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(9).put(DELETE_RECORDS).putLong(beforeOffset).array());
    }
}
