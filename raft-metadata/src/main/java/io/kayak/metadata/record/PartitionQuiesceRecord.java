package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.UUID;

/**
 * Quiesces a partition's Raft group, or wakes it. The leader proposes {@code quiesce} once the partition took no
 * write for {@code kayak.replication.quiesce.ms} and every replica holds and has applied all of it: the record
 * carries the leader's identity and epoch (a stale leader's proposal is refused) and the high watermark every
 * replica shares. Any replica's node proposes a wake when a write arrives; a wake of a running partition changes
 * nothing.
 */
public record PartitionQuiesceRecord(UUID topicId, int partition, int leader, int leaderEpoch, boolean quiesce,
                                     long highWatermark) implements MetadataRecord {
    /** A wake-up: the partition's group runs again on every replica. */
    public static PartitionQuiesceRecord wake(UUID topicId, int partition) {
        return new PartitionQuiesceRecord(topicId, partition, -1, -1, false, -1);
    }

    @Override
    public RecordType type() {
        return RecordType.PARTITION_QUIESCE;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Codec.writeUuid(out, topicId);
        out.writeInt(partition);
        out.writeInt(leader);
        out.writeInt(leaderEpoch);
        out.writeBoolean(quiesce);
        out.writeLong(highWatermark);
    }

    static PartitionQuiesceRecord read(DataInput in) throws IOException {
        return new PartitionQuiesceRecord(Codec.readUuid(in), in.readInt(), in.readInt(), in.readInt(), in.readBoolean(),
                in.readLong());
    }
}
