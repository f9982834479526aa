package io.kayak.network.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Topic administration for CreateTopics, DeleteTopics, CreatePartitions and the config APIs. Implemented by
 * the broker through the metadata quorum; every change is one quorum proposal, so futures complete once it is
 * committed (or refused). Expected refusals are results with a {@link TopicError}, never exceptions.
 */
public interface TopicService {
    /** Why a topic operation was refused; network/ maps each to one Kafka error code. */
    enum TopicError {
        NONE, TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC, INVALID_TOPIC, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR,
        INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG, INVALID_REQUEST, TOPIC_DELETION_DISABLED, TIMED_OUT
    }

    /** The outcome: on success of a creation, the topic's id, partition count and replication factor. */
    record TopicResult(TopicError error, String message, UUID topicId, int partitions, int replicationFactor) {
        public static TopicResult failed(TopicError error, String message) {
            return new TopicResult(error, message, null, -1, -1);
        }

        public static TopicResult ok(UUID topicId, int partitions, int replicationFactor) {
            return new TopicResult(TopicError.NONE, null, topicId, partitions, replicationFactor);
        }
    }

    /**
     * @param partitions        -1 for the broker default; ignored with an explicit assignment
     * @param replicationFactor -1 for the broker default; ignored with an explicit assignment
     * @param assignment        replica lists by partition (preferred leader first), or empty
     * @param validateOnly      check everything a creation would, change nothing
     */
    CompletableFuture<TopicResult> create(String name, int partitions, int replicationFactor,
                                          List<List<Integer>> assignment, Map<String, String> configs, boolean validateOnly);

    CompletableFuture<TopicResult> delete(String name);

    /** Grows {@code name} to {@code totalPartitions}; {@code assignment} lists only the new partitions, or is empty. */
    CompletableFuture<TopicResult> createPartitions(String name, int totalPartitions, List<List<Integer>> assignment,
                                                    boolean validateOnly);

    /** The topic's configs as set (overrides only), or empty if it does not exist. */
    Optional<Map<String, String>> topicConfigs(String name);

    /** The effective value of every topic config Kayak honours, for the topic (overrides over node defaults). */
    Optional<Map<String, String>> effectiveTopicConfigs(String name);

    /** This node's own configuration, as DescribeConfigs shows a broker resource. */
    Map<String, String> brokerConfigs();

    /** Sets (non-null value) and removes (null value) topic config overrides. */
    CompletableFuture<TopicResult> alterTopicConfigs(String name, Map<String, String> changes, boolean validateOnly);
}
