package io.kayak.network.service;

/**
 * Why a partition operation did not succeed. The network layer maps each to one Kafka error code, in one
 * place; nothing below it knows those codes.
 */
public enum PartitionError {
    NONE,
    /** This node does not lead the partition; the result's leader hint names the node that does, if known. */
    NOT_LEADER,
    /** No such topic or partition, or this node hosts no replica of it. */
    UNKNOWN_PARTITION,
    /** The partition has replicas here but no leader right now (election in progress). */
    LEADER_NOT_AVAILABLE,
    /** The client's leader epoch is older than the leader's: it must refresh its metadata. */
    FENCED_LEADER_EPOCH,
    /** The client's leader epoch is newer than this node knows (its metadata is ahead of this node). */
    UNKNOWN_LEADER_EPOCH,
    OFFSET_OUT_OF_RANGE,
    INVALID_RECORD,
    CORRUPT_MESSAGE,
    RECORD_TOO_LARGE,
    OUT_OF_ORDER_SEQUENCE,
    INVALID_PRODUCER_EPOCH,
    /** The replica's disk failed; the partition is offline on this node. */
    STORAGE_ERROR,
    /** Not committed by a majority before the request's timeout; it may still commit later. */
    REQUEST_TIMED_OUT
}
