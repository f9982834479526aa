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
