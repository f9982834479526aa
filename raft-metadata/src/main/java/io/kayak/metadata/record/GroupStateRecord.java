package io.kayak.metadata.record;

import io.kayak.metadata.GroupImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** A group coordinator records a group's generation, members and assignments (replacing what was recorded). */
public record GroupStateRecord(GroupImage group) implements MetadataRecord {
    @Override
    public RecordType type() {
        return RecordType.GROUP_STATE;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        group.writeTo(out);
    }

    static GroupStateRecord read(DataInput in) throws IOException {
        return new GroupStateRecord(GroupImage.read(in));
    }
}
