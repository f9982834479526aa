package io.kayak.metadata.record;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes a record as type(1) version(1) payload, and decodes it again. Decoding a version newer than this
 * build knows throws {@link UnknownRecordException}; the state machine lets it fail the node's start.
 */
public final class RecordCodec {
    private RecordCodec() {
    }

    public static byte[] encode(MetadataRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(record.type().id());
            out.writeByte(record.version());
            record.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static MetadataRecord decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            RecordType type = RecordType.of(in.readByte());
            byte version = in.readByte();
            if (version < 1 || version > type.currentVersion()) {
                throw new UnknownRecordException("metadata record " + type + " has version " + version
                        + "; this build reads versions 1-" + type.currentVersion()
                        + ". Upgrade this node before it rejoins the quorum.");
            }
            MetadataRecord record = switch (type) {
                case REGISTER_BROKER -> RegisterBrokerRecord.read(in);
                case BROKER_HEARTBEAT -> BrokerHeartbeatRecord.read(in);
                case FENCE_EXPIRED_BROKERS -> FenceExpiredBrokersRecord.read(in);
                case CREATE_TOPIC -> CreateTopicRecord.read(in);
                case DELETE_TOPIC -> DeleteTopicRecord.read(in);
                case CREATE_PARTITIONS -> CreatePartitionsRecord.read(in);
                case ALTER_CONFIGS -> AlterConfigsRecord.read(in);
                case PARTITION_LEADER -> PartitionLeaderRecord.read(in);
                case COMMIT_OFFSETS -> CommitOffsetsRecord.read(in);
                case ALLOCATE_PRODUCER_IDS -> AllocateProducerIdsRecord.read(in);
                case GROUP_STATE -> GroupStateRecord.read(in);
                case DELETE_GROUP_OFFSETS -> DeleteGroupOffsetsRecord.read(in);
                case BROKER_CONFIGS -> BrokerConfigsRecord.read(in);
                case PARTITION_QUIESCE -> PartitionQuiesceRecord.read(in);
            };
            if (in.available() != 0) {
                throw new IOException(in.available() + " trailing bytes after " + type);
            }
            return record;
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed metadata record: " + e.getMessage(), e);
        }
    }
}
