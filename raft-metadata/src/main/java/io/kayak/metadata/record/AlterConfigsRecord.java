package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Sets (non-null value) or removes (null value) config keys of a topic, or of the cluster when
 * {@code resource} is {@link Resource#CLUSTER} (then {@code name} is empty).
 */
public record AlterConfigsRecord(Resource resource, String name, Map<String, String> changes) implements MetadataRecord {
    /** What the configs belong to. */
    public enum Resource { TOPIC, CLUSTER }

    public AlterConfigsRecord {
        changes = java.util.Collections.unmodifiableMap(new HashMap<>(changes));
    }

    @Override
    public RecordType type() {
        return RecordType.ALTER_CONFIGS;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(resource.ordinal());
        Codec.writeString(out, name);
        Codec.writeStringMap(out, changes);
    }

    static AlterConfigsRecord read(DataInput in) throws IOException {
        int r = in.readByte();
        if (r < 0 || r >= Resource.values().length) {
            throw new java.io.IOException("unknown config resource " + r);
        }
        return new AlterConfigsRecord(Resource.values()[r], Codec.readString(in), Codec.readStringMap(in));
    }
}
