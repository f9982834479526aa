package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.TopicService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * DescribeConfigs for topics (every config Kayak honours with its effective value, overrides marked as dynamic
 * topic configs, inherited values with the source of the broker config they come from, as Kafka reports them,
 * plus any other override stored with the topic) and for brokers: this node's id gives its
 * configuration file (read-only) and the dynamic broker configs with their effective values and where each comes
 * from; "" gives the cluster-wide dynamic defaults, as Kafka does. A broker resource naming another node is
 * refused: clients send those to that node.
 */
public final class DescribeConfigsHandler implements ApiHandler {
    private final TopicService topics;

    public DescribeConfigsHandler(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DescribeConfigsRequestData req = (DescribeConfigsRequestData) request.body();
        DescribeConfigsResponseData resp = new DescribeConfigsResponseData();
        for (DescribeConfigsRequestData.DescribeConfigsResource r : req.resources()) {
            resp.results().add(describe(r));
        }
        return CompletableFuture.completedFuture(resp);
    }

    private DescribeConfigsResult describe(DescribeConfigsRequestData.DescribeConfigsResource r) {
        DescribeConfigsResult out = new DescribeConfigsResult().setResourceType(r.resourceType())
                .setResourceName(r.resourceName()).setErrorCode(Errors.NONE.code());
        ConfigResource.Type type = ConfigResource.Type.forId(r.resourceType());
        if (type == ConfigResource.Type.TOPIC) {
            Optional<Map<String, String>> effective = topics.effectiveTopicConfigs(r.resourceName());
            Map<String, String> overrides = topics.topicConfigs(r.resourceName()).orElse(Map.of());
            if (effective.isEmpty()) {
                return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage("topic '" + r.resourceName() + "' does not exist");
            }
            Map<String, TopicService.BrokerConfigSource> inherited = topics.inheritedTopicConfigSources(r.resourceName());
            Map<String, String> all = new TreeMap<>(effective.get());
            all.putAll(overrides);
            all.forEach((k, v) -> add(out, r.configurationKeys(), k, v, false, overrides.containsKey(k)
                    ? ConfigSource.TOPIC_CONFIG : source(inherited.getOrDefault(k, TopicService.BrokerConfigSource.DEFAULT))));
            return out;
        }
        if (type == ConfigResource.Type.BROKER) {
            TopicService.BrokerConfigsResult result = topics.brokerConfigs(r.resourceName());
            if (result.error() != TopicService.TopicError.NONE) {
                return out.setErrorCode(KafkaErrors.of(result.error()).code()).setErrorMessage(result.message());
            }
            result.configs().stream().sorted(java.util.Comparator.comparing(TopicService.BrokerConfig::name))
                    .forEach(c -> add(out, r.configurationKeys(), c.name(), c.value(), c.readOnly(), source(c.source())));
            return out;
        }
        return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("resource type " + r.resourceType()
                + " is not supported; topics and brokers are");
    }

    private static ConfigSource source(TopicService.BrokerConfigSource s) {
        return switch (s) {
            case DYNAMIC_BROKER -> ConfigSource.DYNAMIC_BROKER_CONFIG;
            case DYNAMIC_DEFAULT_BROKER -> ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
            case STATIC_BROKER -> ConfigSource.STATIC_BROKER_CONFIG;
            case DEFAULT -> ConfigSource.DEFAULT_CONFIG;
        };
    }

    private static void add(DescribeConfigsResult out, List<String> keys, String name, String value, boolean readOnly,
                            ConfigSource source) {
        if (keys != null && !keys.isEmpty() && !keys.contains(name)) {
            return;
        }
        out.configs().add(new DescribeConfigsResourceResult().setName(name).setValue(value).setReadOnly(readOnly)
                .setConfigSource(source.id()).setIsSensitive(false));
    }
}
