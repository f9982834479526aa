package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;

/** DeleteTopics by name (v1..5; deletion by topic id, v6, is not offered). */
public final class DeleteTopicsHandler implements ApiHandler {
    private static final short ERROR_MESSAGE_VERSION = 5;

    private final TopicService topics;

    public DeleteTopicsHandler(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DeleteTopicsRequestData req = (DeleteTopicsRequestData) request.body();
        List<CompletableFuture<DeletableTopicResult>> results = new ArrayList<>();
        for (String name : req.topicNames()) {
            results.add(topics.delete(name).thenApply(r -> new DeletableTopicResult().setName(name)
                    .setErrorCode(KafkaErrors.of(r.error()).code())
                    .setErrorMessage(request.version() >= ERROR_MESSAGE_VERSION ? r.message() : null)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeleteTopicsResponseData resp = new DeleteTopicsResponseData();
            results.forEach(f -> resp.responses().add(f.join()));
            return resp;
        });
    }
}
