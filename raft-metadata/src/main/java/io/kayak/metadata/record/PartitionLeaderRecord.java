package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * A partition leader reports itself: leader node, leader epoch (its Raft term) and ISR. A report with an
 * epoch lower than the one already recorded is stale and ignored.
 */
public record PartitionLeaderRecord(UUID topicId, int partition, int leader, int leaderEpoch, List<Integer> isr)
        implements MetadataRecord {
    public PartitionLeaderRecord {
        isr = List.copyOf(isr);
    }

    @Override
    public RecordType type() {
        return RecordType.PARTITION_LEADER;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Codec.writeUuid(out, topicId);
        out.writeInt(partition);
        out.writeInt(leader);
        out.writeInt(leaderEpoch);
        Codec.writeInts(out, isr);
    }

    static PartitionLeaderRecord read(DataInput in) throws IOException {
        return new PartitionLeaderRecord(Codec.readUuid(in), in.readInt(), in.readInt(), in.readInt(), Codec.readInts(in));
    }
}
