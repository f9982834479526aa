package io.kayak.metadata.record;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.UUID;

/** A registered broker renews its lease until {@code timeMs + leaseMs}; a fenced broker is unfenced by it. */
public record BrokerHeartbeatRecord(int nodeId, UUID incarnationId, long timeMs, long leaseMs) implements MetadataRecord {
    @Override
    public RecordType type() {
        return RecordType.BROKER_HEARTBEAT;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(nodeId);
        Codec.writeUuid(out, incarnationId);
        out.writeLong(timeMs);
        out.writeLong(leaseMs);
    }

    static BrokerHeartbeatRecord read(DataInput in) throws IOException {
        return new BrokerHeartbeatRecord(in.readInt(), Codec.readUuid(in), in.readLong(), in.readLong());
    }
}
