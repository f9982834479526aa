package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Deletes a topic, its partitions and the committed offsets of every group for it. */
public record DeleteTopicRecord(String name) implements MetadataRecord {
    @Override
    public RecordType type() {
        return RecordType.DELETE_TOPIC;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, name);
    }

    static DeleteTopicRecord read(DataInput in) throws IOException {
        return new DeleteTopicRecord(Codec.readString(in));
    }
}
