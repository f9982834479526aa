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
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateTopics: each topic is created (or, with validate_only, checked) through the metadata quorum; -1
 * partitions or replication factor take the broker defaults; explicit assignments are passed through and
 * validated there. Results carry Kafka's error codes and messages, and from v5 the partition count and
 * replication factor.
 */
public final class CreateTopicsHandler implements ApiHandler {
    /** From this version a result carries the partition count, replication factor and configs. */
    private static final short DETAILS_VERSION = 5;
    private static final short TOPIC_ID_VERSION = 7;

    private final TopicService topics;

    public CreateTopicsHandler(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        CreateTopicsRequestData req = (CreateTopicsRequestData) request.body();
        List<CompletableFuture<CreatableTopicResult>> results = new ArrayList<>();
        for (CreateTopicsRequestData.CreatableTopic t : req.topics()) {
            List<List<Integer>> assignment = new ArrayList<>();
            t.assignments().stream().sorted((a, b) -> Integer.compare(a.partitionIndex(), b.partitionIndex()))
                    .forEach(a -> assignment.add(List.copyOf(a.brokerIds())));
            Map<String, String> configs = new HashMap<>();
            t.configs().forEach(c -> configs.put(c.name(), c.value()));
            results.add(topics.create(t.name(), t.numPartitions(), t.replicationFactor(), assignment, configs,
                    req.validateOnly()).thenApply(r -> result(t.name(), r, request.version())));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            CreateTopicsResponseData resp = new CreateTopicsResponseData();
            results.forEach(f -> resp.topics().add(f.join()));
            return resp;
        });
    }

    private static CreatableTopicResult result(String name, TopicResult r, short version) {
        Errors error = KafkaErrors.of(r.error());
        CreatableTopicResult out = new CreatableTopicResult().setName(name).setErrorCode(error.code())
                .setErrorMessage(r.message());
        if (version >= DETAILS_VERSION) {
            out.setNumPartitions(r.partitions()).setReplicationFactor((short) r.replicationFactor())
                    .setConfigs(new ArrayList<>());
        }
        if (r.topicId() != null && version >= TOPIC_ID_VERSION) {
            out.setTopicId(new Uuid(r.topicId().getMostSignificantBits(), r.topicId().getLeastSignificantBits()));
        }
        return out;
    }
}
