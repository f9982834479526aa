package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Creates a topic with an explicit replica assignment (one replica list per partition, preferred leader first). */
public record CreateTopicRecord(String name, UUID topicId, List<List<Integer>> assignment, Map<String, String> configs)
        implements MetadataRecord {
    public CreateTopicRecord {
        assignment = assignment.stream().map(List::copyOf).toList();
        configs = Map.copyOf(configs);
    }

    @Override
    public RecordType type() {
        return RecordType.CREATE_TOPIC;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, name);
        Codec.writeUuid(out, topicId);
        Codec.writeAssignment(out, assignment);
        Codec.writeStringMap(out, configs);
    }

    static CreateTopicRecord read(DataInput in) throws IOException {
        return new CreateTopicRecord(Codec.readString(in), Codec.readUuid(in), Codec.readAssignment(in), Codec.readStringMap(in));
    }
}
