package io.kayak.network.handler;

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
 * topic configs, plus any other override stored with the topic) and for this node (its configuration file,
 * read-only). A broker resource naming another node is refused: clients send those to that node.
 */
public final class DescribeConfigsHandler implements ApiHandler {
    private final TopicService topics;
    private final int nodeId;

    public DescribeConfigsHandler(TopicService topics, int nodeId) {
        this.topics = topics;
        this.nodeId = nodeId;
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
            Map<String, String> all = new TreeMap<>(effective.get());
            all.putAll(overrides);
            all.forEach((k, v) -> add(out, r.configurationKeys(), k, v, false,
                    overrides.containsKey(k) ? ConfigSource.TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG));
            return out;
        }
        if (type == ConfigResource.Type.BROKER) {
            if (!r.resourceName().isEmpty() && !r.resourceName().equals(Integer.toString(nodeId))) {
                return out.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("this is node " + nodeId + "; ask node " + r.resourceName() + " for its configs");
            }
            new TreeMap<>(topics.brokerConfigs()).forEach((k, v) -> add(out, r.configurationKeys(), k, v, true,
                    ConfigSource.STATIC_BROKER_CONFIG));
            return out;
        }
        return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("resource type " + r.resourceType()
                + " is not supported; topics and brokers are");
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
