package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Sets (non-null value) or removes (null value) dynamic config keys of one broker, Kafka's per-broker dynamic
 * config ({@code ConfigResource.Type.BROKER} named by the node id). The cluster-wide default for every broker is
 * an {@link AlterConfigsRecord} on {@link AlterConfigsRecord.Resource#CLUSTER}. Values are validated by the
 * proposer; the quorum only checks the node id.
 */
public record BrokerConfigsRecord(int nodeId, Map<String, String> changes) implements MetadataRecord {
    public BrokerConfigsRecord {
        changes = Collections.unmodifiableMap(new HashMap<>(changes));
    }

    @Override
    public RecordType type() {
        return RecordType.BROKER_CONFIGS;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(nodeId);
        Codec.writeStringMap(out, changes);
    }

    static BrokerConfigsRecord read(DataInput in) throws IOException {
        return new BrokerConfigsRecord(in.readInt(), Codec.readStringMap(in));
    }
}
