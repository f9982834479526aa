package io.kayak.metadata;

/** Why the state machine refused a record. Refused records change nothing. */
public enum MetadataErrorCode {
    NONE,
    TOPIC_ALREADY_EXISTS,
    UNKNOWN_TOPIC,
    INVALID_TOPIC_NAME,
    INVALID_PARTITIONS,
    INVALID_REPLICA_ASSIGNMENT,
    UNKNOWN_BROKER,
    FENCED_BROKER,
    STALE_BROKER_INCARNATION,
    STALE_LEADER_EPOCH,
    INVALID_CONFIG,
    INVALID_REQUEST,
    /** More replicas asked for than live, unfenced brokers exist. */
    INVALID_REPLICATION_FACTOR,
    /** The group has recorded members, so its offsets cannot be deleted as a whole. */
    NON_EMPTY_GROUP,
    UNKNOWN_GROUP
}
