package io.kayak.broker.topic;

import io.kayak.broker.config.KayakConfig;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.TopicImage;
import io.kayak.metadata.assign.ReplicaAssigner;
import io.kayak.metadata.quorum.MetadataClient;
import io.kayak.metadata.statemachine.RecordApplier;
import io.kayak.log.LogConfig;
import io.kayak.metadata.record.AlterConfigsRecord;
import io.kayak.metadata.record.BrokerConfigsRecord;
import io.kayak.metadata.record.CreatePartitionsRecord;
import io.kayak.metadata.record.CreateTopicRecord;
import io.kayak.metadata.record.DeleteTopicRecord;
import io.kayak.metadata.record.MetadataRecord;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Topic creation, growth and deletion as the Kafka APIs ask for them: picks the replica assignment over the
 * live, unfenced brokers ({@link ReplicaAssigner}) unless the client gave one, and proposes the record.
 * The metadata state machine validates everything again (names, explicit assignments, existence), so two
 * brokers racing to create the same topic cannot both succeed.
 *
 * <p>Thread-safe; every call blocks until the metadata quorum answers.
 */
public final class TopicAdmin {
    private final MetadataClient client;
    private final Supplier<MetadataImage> images;
    private final KayakConfig config;
    private final Random random;

    public TopicAdmin(MetadataClient client, Supplier<MetadataImage> images, KayakConfig config, Random random) {
        this.client = client;
        this.images = images;
        this.config = config;
        this.random = random;
    }

    /**
     * Creates a topic.
     *
     * @param partitions        -1 for {@code num.partitions}; ignored when {@code assignment} is given
     * @param replicationFactor -1 for {@code default.replication.factor}; ignored when {@code assignment} is given
     * @param assignment        explicit replica lists, preferred leader first, or null to assign automatically
     * @throws MetadataRejectedException for an invalid or existing topic,, an impossible assignment, or configs
     *                                   a replica would refuse ({@code INVALID_CONFIG})
     */
    public UUID createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs,
                            List<List<Integer>> assignment) {
        return createTopic(name, partitions, replicationFactor, configs, assignment, false).topicId();
    }

    /** A created (or validated) topic: its id, partition count and replication factor. */
    public record Created(UUID topicId, int partitions, int replicationFactor) {
    }

    /**
     * Creates a topic, or with {@code validateOnly} runs every check a creation would (against this node's
     * image, with the metadata state machine's own rules) and changes nothing.
     */
    public Created createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs,
                               List<List<Integer>> assignment, boolean validateOnly) {
        TopicConfigs.validate(nodeLogConfig(), configs);
        if (assignment == null && partitions == 0) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_PARTITIONS, "a topic needs at least one partition");
        }
        UUID id = UUID.randomUUID();
        List<List<Integer>> replicas = assignment != null ? assignment
                : assign(partitions < 0 ? config.numPartitions() : partitions,
                replicationFactor < 0 ? config.defaultReplicationFactor() : replicationFactor, 0);
        CreateTopicRecord record = new CreateTopicRecord(name, id, replicas, configs);
        if (validateOnly) {
            dryRun(record);
        } else {
            client.propose(record);
        }
        return new Created(id, replicas.size(), replicas.isEmpty() ? 0 : replicas.get(0).size());
    }

    /** Applies {@code record} to a copy of the current image; throws what the quorum would refuse it with. */
    private void dryRun(io.kayak.metadata.record.MetadataRecord record) {
        io.kayak.metadata.ApplyResult r = new RecordApplier().apply(images.get(), record).result();
        if (!r.accepted()) {
            throw new MetadataRejectedException(r.code(), r.message());
        }
    }

    /**
     * Sets (non-null value) or removes (null value) config overrides of a topic, after checking that the result is
     * one every replica accepts; with {@code validateOnly} only checks.
     */
    public void alterTopicConfigs(String name, Map<String, String> changes, boolean validateOnly) {
        TopicImage t = images.get().topic(name).orElseThrow(() ->
                new MetadataRejectedException(MetadataErrorCode.UNKNOWN_TOPIC, "topic '" + name + "' does not exist"));
        Map<String, String> merged = new java.util.HashMap<>(t.configs());
        changes.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        TopicConfigs.validate(nodeLogConfig(), merged);
        if (!validateOnly) {
            client.propose(new AlterConfigsRecord(AlterConfigsRecord.Resource.TOPIC, name, changes));
        }
    }

    /** This node's log settings: its file with the dynamic broker configs in force over it. */
    public LogConfig nodeLogConfig() {
        return DynamicBrokerConfigs.logConfig(config.logConfig(), DynamicBrokerConfigs.inForce(images.get(), config.nodeId()));
    }

    /**
     * Sets (non-null value) or removes (null value) dynamic broker configs of a Kafka {@code BROKER} resource: "" for
     * the cluster-wide default, this node's id for this node alone (Kafka refuses other ids: each node answers for
     * itself). Checks the result with {@link DynamicBrokerConfigs#validate}; with {@code validateOnly} only checks.
     *
     * @throws MetadataRejectedException {@code INVALID_REQUEST} for another node or a key that is not dynamic,
     *                                   {@code INVALID_CONFIG} for a value this node would not accept
     */
    public void alterBrokerConfigs(String resourceName, Map<String, String> changes, boolean validateOnly) {
        MetadataRecord record;
        if (resourceName.isEmpty()) {
            record = new AlterConfigsRecord(AlterConfigsRecord.Resource.CLUSTER, "", changes);
        } else {
            int id;
            try {
                id = Integer.parseInt(resourceName);
            } catch (NumberFormatException e) {
                throw new MetadataRejectedException(MetadataErrorCode.INVALID_REQUEST,
                        "Node id must be an integer, but it is: " + resourceName);
            }
            if (id != config.nodeId()) {
                throw new MetadataRejectedException(MetadataErrorCode.INVALID_REQUEST,
                        "Unexpected broker id, expected " + config.nodeId() + ", but received " + resourceName);
            }
            record = new BrokerConfigsRecord(id, changes);
        }
        MetadataImage image = images.get();
        MetadataImage after = new RecordApplier().apply(image, record).image();
        Map<String, String> own = resourceName.isEmpty() ? after.clusterConfigs() : after.brokerConfigs(config.nodeId());
        DynamicBrokerConfigs.validate(config.logConfig(), changes, own, image);
        DynamicBrokerConfigs.validate(config.logConfig(), changes, DynamicBrokerConfigs.inForce(after, config.nodeId()), image);
        if (!validateOnly) {
            client.propose(record);
        }
    }

    /** Grows a topic to {@code totalPartitions}, assigning the new ones unless {@code assignment} gives them. */
    public void createPartitions(String name, int totalPartitions, List<List<Integer>> assignment) {
        createPartitions(name, totalPartitions, assignment, false);
    }

    /** Grows a topic; with {@code validateOnly} only checks. */
    public void createPartitions(String name, int totalPartitions, List<List<Integer>> assignment, boolean validateOnly) {
        TopicImage t = images.get().topic(name).orElseThrow(() ->
                new MetadataRejectedException(MetadataErrorCode.UNKNOWN_TOPIC, "topic '" + name + "' does not exist"));
        int current = t.partitions().size();
        if (totalPartitions <= current) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_PARTITIONS, "topic '" + name + "' has "
                    + current + " partitions; the new count must be larger, not " + totalPartitions);
        }
        List<List<Integer>> added = assignment != null ? assignment
                : assign(totalPartitions - current, t.partitions().get(0).replicas().size(), current);
        CreatePartitionsRecord record = new CreatePartitionsRecord(name, added);
        if (validateOnly) {
            dryRun(record);
        } else {
            client.propose(record);
        }
    }

    /** Deletes a topic; refused while {@code delete.topic.enable} is false. */
    public void deleteTopic(String name) {
        if (!config.deleteTopicEnable()) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_REQUEST,
                    "topic deletion is disabled on this broker (" + KayakConfig.DELETE_TOPIC_ENABLE + "=false)");
        }
        client.propose(new DeleteTopicRecord(name));
    }

    private List<List<Integer>> assign(int count, int replicationFactor, int firstPartition) {
        List<ReplicaAssigner.Candidate> live = images.get().brokers().values().stream()
                .filter(b -> !b.fenced())
                .map(b -> new ReplicaAssigner.Candidate(b.nodeId(), b.rack()))
                .toList();
        try {
            return ReplicaAssigner.assign(live, count, replicationFactor, firstPartition, random);
        } catch (IllegalArgumentException e) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_REPLICATION_FACTOR, e.getMessage());
        }
    }
}
