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
 * IncrementalAlterConfigs (SET and DELETE) and the legacy AlterConfigs (replace every override) for topics.
 * Values are validated the way topic creation validates them. Broker configs are static (the node's file):
 * altering them is refused. A changed topic config takes effect on a replica's log when the log is next
 * opened (node restart); applying it to open logs is not built yet.
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
        if (resourceType != ConfigResource.Type.TOPIC.id()) {
            return CompletableFuture.completedFuture(TopicResult.failed(TopicService.TopicError.INVALID_REQUEST,
                    "only topic configs can be altered; broker configs come from the node's file"));
        }
        return topics.alterTopicConfigs(name, changes, validateOnly);
    }

}
