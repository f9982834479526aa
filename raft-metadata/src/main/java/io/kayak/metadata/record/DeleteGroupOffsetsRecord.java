package io.kayak.metadata.record;

import io.kayak.metadata.TopicPartition;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes committed offsets of a group: those of {@code partitions}, or, when {@code wholeGroup}, every offset
 * and the recorded group state too (DeleteGroups, offset expiry). Refused while the recorded group has members.
 */
public record DeleteGroupOffsetsRecord(String group, boolean wholeGroup, List<TopicPartition> partitions)
        implements MetadataRecord {
    public DeleteGroupOffsetsRecord {
        partitions = List.copyOf(partitions);
    }

    @Override
    public RecordType type() {
        return RecordType.DELETE_GROUP_OFFSETS;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, group);
        out.writeBoolean(wholeGroup);
        out.writeInt(partitions.size());
        for (TopicPartition tp : partitions) {
            Codec.writeString(out, tp.topic());
            out.writeInt(tp.partition());
        }
    }

    static DeleteGroupOffsetsRecord read(DataInput in) throws IOException {
        String group = Codec.readString(in);
        boolean whole = in.readBoolean();
        int n = in.readInt();
        List<TopicPartition> partitions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            partitions.add(new TopicPartition(Codec.readString(in), in.readInt()));
        }
        return new DeleteGroupOffsetsRecord(group, whole, partitions);
    }
}
