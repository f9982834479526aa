package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;

/** CreatePartitions: grows topics, with explicit replica lists for the new partitions or assigned ones. */
public final class CreatePartitionsHandler implements ApiHandler {
    private final TopicService topics;

    public CreatePartitionsHandler(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        CreatePartitionsRequestData req = (CreatePartitionsRequestData) request.body();
        List<CompletableFuture<CreatePartitionsTopicResult>> results = new ArrayList<>();
        for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
            List<List<Integer>> assignment = new ArrayList<>();
            if (t.assignments() != null) {
                t.assignments().forEach(a -> assignment.add(List.copyOf(a.brokerIds())));
            }
            results.add(topics.createPartitions(t.name(), t.count(), assignment, req.validateOnly())
                    .thenApply(r -> new CreatePartitionsTopicResult().setName(t.name())
                            .setErrorCode(KafkaErrors.of(r.error()).code()).setErrorMessage(r.message())));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            CreatePartitionsResponseData resp = new CreatePartitionsResponseData();
            results.forEach(f -> resp.results().add(f.join()));
            return resp;
        });
    }
}
