package io.kayak.network.service;

/**
 * Why a consumer-group request failed; network/ maps each to the Kafka error code of the same meaning (the
 * classic group protocol's clients act on the exact code: rejoin, refresh the coordinator, retry).
 */
public enum GroupError {
    NONE,
    /** This node does not coordinate the group: the client looks the coordinator up again. */
    NOT_COORDINATOR,
    /** No coordinator can serve the group now (no live broker, the metadata quorum unreachable): retried. */
    COORDINATOR_NOT_AVAILABLE,
    INVALID_GROUP_ID,
    INVALID_SESSION_TIMEOUT,
    /** The member's protocol type or protocols share nothing with the group's. */
    INCONSISTENT_GROUP_PROTOCOL,
    UNKNOWN_MEMBER_ID,
    /** A new member must rejoin with the member id it was just given. */
    MEMBER_ID_REQUIRED,
    ILLEGAL_GENERATION,
    REBALANCE_IN_PROGRESS,
    /** Another process joined with the same {@code group.instance.id}. */
    FENCED_INSTANCE_ID,
    GROUP_MAX_SIZE_REACHED,
    UNKNOWN_TOPIC_OR_PARTITION,
    OFFSET_METADATA_TOO_LARGE,
    NON_EMPTY_GROUP,
    GROUP_ID_NOT_FOUND,
    GROUP_SUBSCRIBED_TO_TOPIC,
    INVALID_COMMIT_OFFSET_SIZE,
    REQUEST_TIMED_OUT
}
