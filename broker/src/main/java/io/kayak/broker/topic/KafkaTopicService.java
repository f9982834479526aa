package io.kayak.broker.topic;

import io.kayak.broker.config.KayakConfig;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.QuorumUnavailableException;
import io.kayak.metadata.TopicImage;
import io.kayak.network.service.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The network layer's {@link TopicService} over {@link TopicAdmin}: each operation runs on a thread of its own
 * (quorum proposals block), and the metadata layer's refusals become {@link TopicError}s.
 */
public final class KafkaTopicService implements TopicService, AutoCloseable {
    private final TopicAdmin admin;
    private final Supplier<MetadataImage> images;
    private final KayakConfig config;
    private final ExecutorService proposals;

    public KafkaTopicService(TopicAdmin admin, Supplier<MetadataImage> images, KayakConfig config) {
        this.admin = admin;
        this.images = images;
        this.config = config;
        this.proposals = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "kayak-node-" + config.nodeId() + "-topic-admin");
            t.setDaemon(true);
            return t;
        });
    }

    @FunctionalInterface
    private interface Op {
        TopicResult run();
    }

    private CompletableFuture<TopicResult> async(Op op) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return op.run();
            } catch (MetadataRejectedException e) {
                return TopicResult.failed(error(e.code()), e.getMessage());
            } catch (QuorumUnavailableException e) {
                return TopicResult.failed(TopicError.TIMED_OUT, e.getMessage());
            }
        }, proposals);
    }

    static TopicError error(MetadataErrorCode code) {
        return switch (code) {
            case NONE -> TopicError.NONE;
            case TOPIC_ALREADY_EXISTS -> TopicError.TOPIC_ALREADY_EXISTS;
            case UNKNOWN_TOPIC -> TopicError.UNKNOWN_TOPIC;
            case INVALID_TOPIC_NAME -> TopicError.INVALID_TOPIC;
            case INVALID_PARTITIONS -> TopicError.INVALID_PARTITIONS;
            case INVALID_REPLICA_ASSIGNMENT, UNKNOWN_BROKER, FENCED_BROKER -> TopicError.INVALID_REPLICA_ASSIGNMENT;
            case INVALID_REPLICATION_FACTOR -> TopicError.INVALID_REPLICATION_FACTOR;
            case INVALID_CONFIG -> TopicError.INVALID_CONFIG;
            case STALE_BROKER_INCARNATION, STALE_LEADER_EPOCH, INVALID_REQUEST, NON_EMPTY_GROUP, UNKNOWN_GROUP ->
                    TopicError.INVALID_REQUEST;
        };
    }

    @Override
    public CompletableFuture<TopicResult> create(String name, int partitions, int replicationFactor,
                                                 List<List<Integer>> assignment, Map<String, String> configs,
                                                 boolean validateOnly) {
        return async(() -> {
            TopicAdmin.Created c = admin.createTopic(name, partitions, replicationFactor, configs,
                    assignment.isEmpty() ? null : assignment, validateOnly);
            return TopicResult.ok(c.topicId(), c.partitions(), c.replicationFactor());
        });
    }

    @Override
    public CompletableFuture<TopicResult> delete(String name) {
        if (!config.deleteTopicEnable()) {
            return CompletableFuture.completedFuture(TopicResult.failed(TopicError.TOPIC_DELETION_DISABLED,
                    "topic deletion is disabled on this broker (" + KayakConfig.DELETE_TOPIC_ENABLE + "=false)"));
        }
        return async(() -> {
            admin.deleteTopic(name);
            return TopicResult.ok(null, -1, -1);
        });
    }

    @Override
    public CompletableFuture<TopicResult> createPartitions(String name, int totalPartitions, List<List<Integer>> assignment,
                                                           boolean validateOnly) {
        return async(() -> {
            admin.createPartitions(name, totalPartitions, assignment.isEmpty() ? null : assignment, validateOnly);
            return TopicResult.ok(null, totalPartitions, -1);
        });
    }

    @Override
    public Optional<Map<String, String>> topicConfigs(String name) {
        return images.get().topic(name).map(TopicImage::configs);
    }

    @Override
    public Optional<Map<String, String>> effectiveTopicConfigs(String name) {
        return images.get().topic(name).map(t -> TopicConfigs.effective(admin.nodeLogConfig(), t.configs()));
    }

    @Override
    public Map<String, BrokerConfigSource> inheritedTopicConfigSources(String name) {
        MetadataImage image = images.get();
        Map<String, String> overrides = image.topic(name).map(TopicImage::configs).orElse(Map.of());
        Map<String, BrokerConfigSource> out = new TreeMap<>();
        TopicConfigs.brokerKeys().forEach((topicKey, brokerKey) -> {
            if (!overrides.containsKey(topicKey)) {
                out.put(topicKey, BrokerConfigSource.valueOf(
                        DynamicBrokerConfigs.source(brokerKey, config.props(), image, config.nodeId()).name()));
            }
        });
        return out;
    }

    @Override
    public BrokerConfigsResult brokerConfigs(String resourceName) {
        MetadataImage image = images.get();
        List<BrokerConfig> out = new ArrayList<>();
        if (resourceName.isEmpty()) {
            image.clusterConfigs().forEach((k, v) ->
                    out.add(new BrokerConfig(k, v, BrokerConfigSource.DYNAMIC_DEFAULT_BROKER, false)));
            return new BrokerConfigsResult(TopicError.NONE, null, out);
        }
        if (!resourceName.equals(Integer.toString(config.nodeId()))) {
            return new BrokerConfigsResult(TopicError.INVALID_REQUEST, "this is node " + config.nodeId() + "; ask node "
                    + resourceName + " for its configs", null);
        }
        new TreeMap<>(config.props()).forEach((k, v) -> {
            if (!DynamicBrokerConfigs.KEYS.contains(k)) {
                out.add(new BrokerConfig(k, v, BrokerConfigSource.STATIC_BROKER, true));
            }
        });
        for (DynamicBrokerConfigs.Effective e : DynamicBrokerConfigs.effective(config.logConfig(), config.props(), image,
                config.nodeId())) {
            out.add(new BrokerConfig(e.name(), e.value(), BrokerConfigSource.valueOf(e.source().name()), false));
        }
        return new BrokerConfigsResult(TopicError.NONE, null, out);
    }

    @Override
    public CompletableFuture<TopicResult> alterBrokerConfigs(String resourceName, Map<String, String> changes,
                                                             boolean validateOnly) {
        return async(() -> {
            admin.alterBrokerConfigs(resourceName, changes, validateOnly);
            return TopicResult.ok(null, -1, -1);
        });
    }

    @Override
    public CompletableFuture<TopicResult> alterTopicConfigs(String name, Map<String, String> changes, boolean validateOnly) {
        return async(() -> {
            admin.alterTopicConfigs(name, changes, validateOnly);
            return TopicResult.ok(null, -1, -1);
        });
    }

    @Override
    public void close() {
        proposals.shutdownNow();
    }
}
