package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.TopicService;
import io.kayak.network.service.TopicService.TopicResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * IncrementalAlterConfigs (SET and DELETE) and the legacy AlterConfigs (replace every override) for topics and
 * brokers. Topic values are validated the way topic creation validates them; broker resources ("" for the
 * cluster-wide default, or this node's id) accept only the dynamic broker configs the node honours (see
 * {@link TopicService#alterBrokerConfigs}). Every change is committed through the metadata quorum, and each
 * replica applies it to its open partition logs when it sees the new metadata (no restart).
 */
public final class AlterConfigsHandlers {
    private AlterConfigsHandlers() {
    }

    private static final byte SET = 0;
    private static final byte DELETE = 1;

    public static ApiHandler incremental(TopicService topics) {
        return request -> {
            IncrementalAlterConfigsRequestData req = (IncrementalAlterConfigsRequestData) request.body();
            List<CompletableFuture<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse>> results = new ArrayList<>();
            for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : req.resources()) {
                IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse base =
                        new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                                .setResourceType(r.resourceType()).setResourceName(r.resourceName());
                Map<String, String> changes = new HashMap<>();
                String problem = null;
                for (IncrementalAlterConfigsRequestData.AlterableConfig c : r.configs()) {
                    if (c.configOperation() == SET) {
                        changes.put(c.name(), c.value());
                    } else if (c.configOperation() == DELETE) {
                        changes.put(c.name(), null);
                    } else {
                        problem = "only SET and DELETE are supported for " + c.name();
                    }
                }
                results.add(alter(topics, r.resourceType(), r.resourceName(), changes, req.validateOnly(), problem)
                        .thenApply(res -> base.setErrorCode(KafkaErrors.of(res.error()).code()).setErrorMessage(res.message())));
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
                IncrementalAlterConfigsResponseData resp = new IncrementalAlterConfigsResponseData();
                results.forEach(f -> resp.responses().add(f.join()));
                return (ApiMessage) resp;
            });
        };
    }

    public static ApiHandler legacy(TopicService topics) {
        return request -> {
            AlterConfigsRequestData req = (AlterConfigsRequestData) request.body();
            List<CompletableFuture<AlterConfigsResponseData.AlterConfigsResourceResponse>> results = new ArrayList<>();
            for (AlterConfigsRequestData.AlterConfigsResource r : req.resources()) {
                AlterConfigsResponseData.AlterConfigsResourceResponse base = new AlterConfigsResponseData.AlterConfigsResourceResponse()
                        .setResourceType(r.resourceType()).setResourceName(r.resourceName());
                Map<String, String> changes = new HashMap<>();
                if (r.resourceType() == ConfigResource.Type.TOPIC.id()) {
                    topics.topicConfigs(r.resourceName()).orElse(Map.of()).keySet().forEach(k -> changes.put(k, null));
                } else if (r.resourceType() == ConfigResource.Type.BROKER.id()) {
                    dynamicBrokerConfigs(topics, r.resourceName()).forEach(k -> changes.put(k, null));
                }
                r.configs().forEach(c -> changes.put(c.name(), c.value()));
                results.add(alter(topics, r.resourceType(), r.resourceName(), changes, req.validateOnly(), null)
                        .thenApply(res -> base.setErrorCode(KafkaErrors.of(res.error()).code()).setErrorMessage(res.message())));
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
                AlterConfigsResponseData resp = new AlterConfigsResponseData();
                results.forEach(f -> resp.responses().add(f.join()));
                return (ApiMessage) resp;
            });
        };
    }

    private static CompletableFuture<TopicResult> alter(TopicService topics, byte resourceType, String name,
                                                        Map<String, String> changes, boolean validateOnly, String problem) {
        if (problem != null) {
            return CompletableFuture.completedFuture(TopicResult.failed(TopicService.TopicError.INVALID_REQUEST, problem));
        }
        if (resourceType == ConfigResource.Type.TOPIC.id()) {
            return topics.alterTopicConfigs(name, changes, validateOnly);
        }
        if (resourceType == ConfigResource.Type.BROKER.id()) {
            return topics.alterBrokerConfigs(name, changes, validateOnly);
        }
        return CompletableFuture.completedFuture(TopicResult.failed(TopicService.TopicError.INVALID_REQUEST,
                "only topic and broker configs can be altered, not resource type " + resourceType));
    }

    /** The keys set dynamically on the broker resource itself, which the legacy API's full replacement removes. */
    private static List<String> dynamicBrokerConfigs(TopicService topics, String name) {
        TopicService.BrokerConfigSource own = name.isEmpty() ? TopicService.BrokerConfigSource.DYNAMIC_DEFAULT_BROKER
                : TopicService.BrokerConfigSource.DYNAMIC_BROKER;
        TopicService.BrokerConfigsResult r = topics.brokerConfigs(name);
        return r.configs() == null ? List.of()
                : r.configs().stream().filter(c -> c.source() == own).map(TopicService.BrokerConfig::name).toList();
    }

}
