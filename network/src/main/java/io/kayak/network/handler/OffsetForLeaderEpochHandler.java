package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.EpochEndOffset;
import io.kayak.network.service.PartitionService;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * OffsetForLeaderEpoch, as consumers use it to validate their position after a leader change (KIP-320): per
 * partition, on its leader, where the asked epoch's records end. Epochs are the partitions' Raft terms, which
 * the replication layer stamps into every stored batch.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler {
    private final PartitionService partitions;

    public OffsetForLeaderEpochHandler(PartitionService partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        OffsetForLeaderEpochRequestData req = (OffsetForLeaderEpochRequestData) request.body();
        OffsetForLeaderEpochResponseData resp = new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : req.topics()) {
            OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult tr =
                    new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(t.topic());
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
                EpochEndOffset r = partitions.endOffsetForEpoch(new TopicPartition(t.topic(), p.partition()),
                        p.currentLeaderEpoch(), p.leaderEpoch());
                tr.partitions().add(new OffsetForLeaderEpochResponseData.EpochEndOffset().setPartition(p.partition())
                        .setErrorCode(KafkaErrors.of(r.error()).code()).setLeaderEpoch(r.leaderEpoch())
                        .setEndOffset(r.endOffset()));
            }
            resp.topics().add(tr);
        }
        return CompletableFuture.completedFuture(resp);
    }
}
