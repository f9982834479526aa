package io.kayak.metadata;

import io.kayak.metadata.record.Codec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A group's committed position in one partition, as Kafka's OffsetCommit carries it. */
public record CommittedOffset(String topic, int partition, long offset, int leaderEpoch, String metadata,
                              long commitTimeMs) {

    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, topic);
        out.writeInt(partition);
        out.writeLong(offset);
        out.writeInt(leaderEpoch);
        Codec.writeString(out, metadata);
        out.writeLong(commitTimeMs);
    }

    public static CommittedOffset read(DataInput in) throws IOException {
        return new CommittedOffset(Codec.readString(in), in.readInt(), in.readLong(), in.readInt(), Codec.readString(in),
                in.readLong());
    }
}
