package io.kayak.network.protocol;

import io.kayak.network.service.GroupError;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.TopicService.TopicError;
import org.apache.kafka.common.protocol.Errors;

/** The one place a {@link PartitionError}, {@link TopicError} or {@link GroupError} becomes a Kafka error code. */
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

    public static Errors of(GroupError e) {
        return switch (e) {
            case NONE -> Errors.NONE;
            case NOT_COORDINATOR -> Errors.NOT_COORDINATOR;
            case COORDINATOR_NOT_AVAILABLE -> Errors.COORDINATOR_NOT_AVAILABLE;
            case INVALID_GROUP_ID -> Errors.INVALID_GROUP_ID;
            case INVALID_SESSION_TIMEOUT -> Errors.INVALID_SESSION_TIMEOUT;
            case INCONSISTENT_GROUP_PROTOCOL -> Errors.INCONSISTENT_GROUP_PROTOCOL;
            case UNKNOWN_MEMBER_ID -> Errors.UNKNOWN_MEMBER_ID;
            case MEMBER_ID_REQUIRED -> Errors.MEMBER_ID_REQUIRED;
            case ILLEGAL_GENERATION -> Errors.ILLEGAL_GENERATION;
            case REBALANCE_IN_PROGRESS -> Errors.REBALANCE_IN_PROGRESS;
            case FENCED_INSTANCE_ID -> Errors.FENCED_INSTANCE_ID;
            case GROUP_MAX_SIZE_REACHED -> Errors.GROUP_MAX_SIZE_REACHED;
            case UNKNOWN_TOPIC_OR_PARTITION -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
            case OFFSET_METADATA_TOO_LARGE -> Errors.OFFSET_METADATA_TOO_LARGE;
            case NON_EMPTY_GROUP -> Errors.NON_EMPTY_GROUP;
            case GROUP_ID_NOT_FOUND -> Errors.GROUP_ID_NOT_FOUND;
            case GROUP_SUBSCRIBED_TO_TOPIC -> Errors.GROUP_SUBSCRIBED_TO_TOPIC;
            case INVALID_COMMIT_OFFSET_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            case REQUEST_TIMED_OUT -> Errors.REQUEST_TIMED_OUT;
        };
    }
}
