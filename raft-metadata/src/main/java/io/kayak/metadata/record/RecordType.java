package io.kayak.metadata.record;

/** The record types and the newest version of each that this build reads and writes. */
public enum RecordType {
    REGISTER_BROKER(1, 1),
    BROKER_HEARTBEAT(2, 1),
    FENCE_EXPIRED_BROKERS(3, 1),
    CREATE_TOPIC(4, 1),
    DELETE_TOPIC(5, 1),
    CREATE_PARTITIONS(6, 1),
    ALTER_CONFIGS(7, 1),
    PARTITION_LEADER(8, 1),
    COMMIT_OFFSETS(9, 1),
    ALLOCATE_PRODUCER_IDS(10, 1),
    GROUP_STATE(11, 1),
    DELETE_GROUP_OFFSETS(12, 1),
    BROKER_CONFIGS(13, 1),
    PARTITION_QUIESCE(14, 1);

    private final byte id;
    private final byte currentVersion;

    RecordType(int id, int currentVersion) {
        this.id = (byte) id;
        this.currentVersion = (byte) currentVersion;
    }

    public byte id() {
        return id;
    }

    public byte currentVersion() {
        return currentVersion;
    }

    static RecordType of(byte id) {
        for (RecordType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new UnknownRecordException("unknown metadata record type " + id
                + ": this node is older than the quorum's data; upgrade it before it rejoins");
    }
}
