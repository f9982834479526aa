package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/** Grows a topic: {@code newAssignments} are the replica lists of the added partitions, in order. */
public record CreatePartitionsRecord(String name, List<List<Integer>> newAssignments) implements MetadataRecord {
    public CreatePartitionsRecord {
        newAssignments = newAssignments.stream().map(List::copyOf).toList();
    }

    @Override
    public RecordType type() {
        return RecordType.CREATE_PARTITIONS;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, name);
        Codec.writeAssignment(out, newAssignments);
    }

    static CreatePartitionsRecord read(DataInput in) throws IOException {
        return new CreatePartitionsRecord(Codec.readString(in), Codec.readAssignment(in));
    }
}
