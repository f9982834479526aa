package io.kayak.metadata.record;

import java.io.DataOutput;
import java.io.IOException;

/**
 * One change to the cluster metadata, as proposed to the quorum and applied by every node. Every record is
 * encoded by {@link RecordCodec} as type(1) version(1) payload; a record type evolves by adding a version
 * with its own decoder, and a node refuses a version it does not know.
 */
public sealed interface MetadataRecord permits RegisterBrokerRecord, BrokerHeartbeatRecord, FenceExpiredBrokersRecord,
        CreateTopicRecord, DeleteTopicRecord, CreatePartitionsRecord, AlterConfigsRecord, PartitionLeaderRecord,
        CommitOffsetsRecord, AllocateProducerIdsRecord, GroupStateRecord, DeleteGroupOffsetsRecord, BrokerConfigsRecord,
        PartitionQuiesceRecord {

    RecordType type();

    /** The version this build writes for the record's type. */
    default byte version() {
        return type().currentVersion();
    }

    void writeTo(DataOutput out) throws IOException;
}
