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

    /**
     * For each honoured topic config the topic does not override, where its effective value comes from: the source of
     * the broker config it defaults to on this node. Keys missing from the answer come from the built-in default.
     */
    Map<String, BrokerConfigSource> inheritedTopicConfigSources(String name);

    /** Where a broker config's value comes from, as DescribeConfigs reports it (Kafka's config sources). */
    enum BrokerConfigSource { DYNAMIC_BROKER, DYNAMIC_DEFAULT_BROKER, STATIC_BROKER, DEFAULT }

    /** One config of a broker resource; {@code readOnly} for those only the node's file sets. */
    record BrokerConfig(String name, String value, BrokerConfigSource source, boolean readOnly) {
    }

    /**
     * The configs of a broker resource: for this node's id, its configuration file plus the dynamic configs with their
     * effective values; for "" (Kafka's cluster-wide default), the dynamic defaults set. Refused with
     * {@link TopicError#INVALID_REQUEST} for any other name (another node answers for itself).
     */
    BrokerConfigsResult brokerConfigs(String resourceName);

    /** The configs of a broker resource, or why they cannot be described here. */
    record BrokerConfigsResult(TopicError error, String message, List<BrokerConfig> configs) {
    }

    /**
     * Sets (non-null value) and removes (null value) dynamic broker configs of the resource: "" for the cluster-wide
     * default, this node's id for this node alone. Only the keys the node honours dynamically are accepted
     * ({@link TopicError#INVALID_REQUEST} otherwise, as Kafka answers for keys it cannot update dynamically); values
     * are checked as the node would apply them ({@link TopicError#INVALID_CONFIG}).
     */
    CompletableFuture<TopicResult> alterBrokerConfigs(String resourceName, Map<String, String> changes, boolean validateOnly);

    /** Sets (non-null value) and removes (null value) topic config overrides. */
    CompletableFuture<TopicResult> alterTopicConfigs(String name, Map<String, String> changes, boolean validateOnly);
}
