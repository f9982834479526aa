package io.kayak.network.protocol;

import io.kayak.network.service.PartitionError;
import io.kayak.network.service.TopicService.TopicError;
import org.apache.kafka.common.protocol.Errors;

/** The one place a {@link PartitionError} becomes a Kafka error code. */
public final class KafkaErrors {
    private KafkaErrors() {
    }

    public static Errors of(PartitionError e) {
        return switch (e) {
            case NONE -> Errors.NONE;
            case NOT_LEADER -> Errors.NOT_LEADER_OR_FOLLOWER;
            case UNKNOWN_PARTITION -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
            case LEADER_NOT_AVAILABLE -> Errors.LEADER_NOT_AVAILABLE;
            case FENCED_LEADER_EPOCH -> Errors.FENCED_LEADER_EPOCH;
            case UNKNOWN_LEADER_EPOCH -> Errors.UNKNOWN_LEADER_EPOCH;
            case OFFSET_OUT_OF_RANGE -> Errors.OFFSET_OUT_OF_RANGE;
            case INVALID_RECORD -> Errors.INVALID_RECORD;
            case CORRUPT_MESSAGE -> Errors.CORRUPT_MESSAGE;
            case RECORD_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
            case OUT_OF_ORDER_SEQUENCE -> Errors.OUT_OF_ORDER_SEQUENCE_NUMBER;
            case INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            case STORAGE_ERROR -> Errors.KAFKA_STORAGE_ERROR;
            case REQUEST_TIMED_OUT -> Errors.REQUEST_TIMED_OUT;
        };
    }

    public static Errors of(TopicError e) {
        return switch (e) {
            case NONE -> Errors.NONE;
            case TOPIC_ALREADY_EXISTS -> Errors.TOPIC_ALREADY_EXISTS;
            case UNKNOWN_TOPIC -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
            case INVALID_TOPIC -> Errors.INVALID_TOPIC_EXCEPTION;
            case INVALID_PARTITIONS -> Errors.INVALID_PARTITIONS;
            case INVALID_REPLICATION_FACTOR -> Errors.INVALID_REPLICATION_FACTOR;
            case INVALID_REPLICA_ASSIGNMENT -> Errors.INVALID_REPLICA_ASSIGNMENT;
            case INVALID_CONFIG -> Errors.INVALID_CONFIG;
            case INVALID_REQUEST -> Errors.INVALID_REQUEST;
            case TOPIC_DELETION_DISABLED -> Errors.TOPIC_DELETION_DISABLED;
            case TIMED_OUT -> Errors.REQUEST_TIMED_OUT;
        };
    }
}
