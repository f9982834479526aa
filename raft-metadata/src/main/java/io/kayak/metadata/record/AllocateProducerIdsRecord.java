package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A broker takes the next block of {@code blockSize} producer ids; the apply result carries the first id. */
public record AllocateProducerIdsRecord(int nodeId, int blockSize) implements MetadataRecord {
    @Override
    public RecordType type() {
        return RecordType.ALLOCATE_PRODUCER_IDS;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(nodeId);
        out.writeInt(blockSize);
    }

    static AllocateProducerIdsRecord read(DataInput in) throws IOException {
        return new AllocateProducerIdsRecord(in.readInt(), in.readInt());
    }
}
