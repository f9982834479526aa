package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.OffsetResult;
import io.kayak.network.service.PartitionService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/** DeleteRecords: moves each partition's log start offset forward through its replicated log, on the leader. */
public final class DeleteRecordsHandler implements ApiHandler {
    private final PartitionService partitions;

    public DeleteRecordsHandler(PartitionService partitions) {
        this.partitions = partitions;
    }

    private record Pending(String topic, int partition, CompletableFuture<OffsetResult> result) {
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DeleteRecordsRequestData req = (DeleteRecordsRequestData) request.body();
        List<Pending> pending = new ArrayList<>();
        for (DeleteRecordsRequestData.DeleteRecordsTopic t : req.topics()) {
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
                pending.add(new Pending(t.name(), p.partitionIndex(), partitions.deleteRecords(
                        new TopicPartition(t.name(), p.partitionIndex()), p.offset(), req.timeoutMs())));
            }
        }
        return CompletableFuture.allOf(pending.stream().map(Pending::result).toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeleteRecordsResponseData resp = new DeleteRecordsResponseData();
            for (Pending p : pending) {
                DeleteRecordsResponseData.DeleteRecordsTopicResult t = resp.topics().find(p.topic());
                if (t == null) {
                    t = new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(p.topic());
                    resp.topics().add(t);
                }
                OffsetResult r = p.result().join();
                t.partitions().add(new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partition()).setLowWatermark(r.offset())
                        .setErrorCode(KafkaErrors.of(r.error()).code()));
            }
            return resp;
        });
    }
}
