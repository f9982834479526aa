package io.kayak.metadata.record;

import io.kayak.metadata.Endpoint;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * A broker (re)registers: a new incarnation id per process start, so a restarted broker is told apart from
 * the one that held its id before. Registration also renews the lease until {@code timeMs + leaseMs}.
 */
public record RegisterBrokerRecord(int nodeId, UUID incarnationId, List<Endpoint> endpoints, String rack, long timeMs,
                                   long leaseMs) implements MetadataRecord {
    public RegisterBrokerRecord {
        endpoints = List.copyOf(endpoints);
    }

    @Override
    public RecordType type() {
        return RecordType.REGISTER_BROKER;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(nodeId);
        Codec.writeUuid(out, incarnationId);
        Codec.writeEndpoints(out, endpoints);
        Codec.writeString(out, rack);
        out.writeLong(timeMs);
        out.writeLong(leaseMs);
    }

    static RegisterBrokerRecord read(DataInput in) throws IOException {
        return new RegisterBrokerRecord(in.readInt(), Codec.readUuid(in), Codec.readEndpoints(in), Codec.readString(in),
                in.readLong(), in.readLong());
    }
}
