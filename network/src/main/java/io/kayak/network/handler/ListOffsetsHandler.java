package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.OffsetResult;
import io.kayak.network.service.PartitionService;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * ListOffsets: earliest (-2), latest (-1, the high watermark), max timestamp (-3, v7+: the first record with the
 * largest timestamp below the high watermark) or by timestamp, per partition, on its leader.
 */
public final class ListOffsetsHandler implements ApiHandler {
    /** The first version whose response carries the leader epoch. */
    private static final short LEADER_EPOCH_VERSION = 4;

    private final PartitionService partitions;

    public ListOffsetsHandler(PartitionService partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        ListOffsetsRequestData req = (ListOffsetsRequestData) request.body();
        ListOffsetsResponseData resp = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic t : req.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse tr = new ListOffsetsResponseData.ListOffsetsTopicResponse()
                    .setName(t.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
                OffsetResult r = partitions.listOffset(new TopicPartition(t.name(), p.partitionIndex()), p.timestamp());
                ListOffsetsResponseData.ListOffsetsPartitionResponse pr = new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex())
                        .setErrorCode(KafkaErrors.of(r.error()).code())
                        .setOffset(r.offset())
                        .setTimestamp(r.timestamp());
                if (request.version() >= LEADER_EPOCH_VERSION) {
                    pr.setLeaderEpoch(r.leaderEpoch());
                }
                tr.partitions().add(pr);
            }
            resp.topics().add(tr);
        }
        return CompletableFuture.completedFuture(resp);
    }
}
