package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Proposed by the quorum leader when its clock says some lease has run out: every broker whose lease
 * ended before {@code nowMs} is fenced. The time travels in the record so every node decides the same.
 */
public record FenceExpiredBrokersRecord(long nowMs) implements MetadataRecord {
    @Override
    public RecordType type() {
        return RecordType.FENCE_EXPIRED_BROKERS;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(nowMs);
    }

    static FenceExpiredBrokersRecord read(DataInput in) throws IOException {
        return new FenceExpiredBrokersRecord(in.readLong());
    }
}
