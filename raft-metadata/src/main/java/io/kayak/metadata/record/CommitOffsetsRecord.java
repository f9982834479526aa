package io.kayak.metadata.record;

import io.kayak.metadata.CommittedOffset;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A consumer group commits offsets: per (topic, partition) the offset, leader epoch, metadata and commit time. */
public record CommitOffsetsRecord(String group, List<CommittedOffset> offsets) implements MetadataRecord {
    public CommitOffsetsRecord {
        offsets = List.copyOf(offsets);
    }

    @Override
    public RecordType type() {
        return RecordType.COMMIT_OFFSETS;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, group);
        out.writeInt(offsets.size());
        for (CommittedOffset o : offsets) {
            o.writeTo(out);
        }
    }

    static CommitOffsetsRecord read(DataInput in) throws IOException {
        String group = Codec.readString(in);
        int n = in.readInt();
        List<CommittedOffset> offsets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            offsets.add(CommittedOffset.read(in));
        }
        return new CommitOffsetsRecord(group, offsets);
    }
}
