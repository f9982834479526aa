package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.GroupService.CommitRequest;
import io.kayak.network.service.GroupService.Offset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * OffsetCommit: answered once the offsets are committed in the metadata quorum. The retention time of versions
 * 2-4 is ignored: offsets live until their group has been empty for {@code offsets.retention.minutes}.
 */
public final class OffsetCommitHandler implements ApiHandler {
    private final GroupService groups;

    public OffsetCommitHandler(GroupService groups) {
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        OffsetCommitRequestData req = (OffsetCommitRequestData) request.body();
        short v = request.version();
        Map<TopicPartition, Offset> offsets = new LinkedHashMap<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                offsets.put(new TopicPartition(t.name(), p.partitionIndex()), new Offset(p.committedOffset(),
                        v >= 6 ? p.committedLeaderEpoch() : -1, p.committedMetadata()));
            }
        }
        CommitRequest commit = new CommitRequest(req.groupId(), req.generationIdOrMemberEpoch(), req.memberId(),
                v >= 7 ? req.groupInstanceId() : null, offsets);
        return groups.commit(commit).thenApply(errors -> {
            OffsetCommitResponseData resp = new OffsetCommitResponseData();
            errors.forEach((tp, e) -> {
                OffsetCommitResponseData.OffsetCommitResponseTopic t = resp.topics().stream()
                        .filter(x -> x.name().equals(tp.topic())).findFirst().orElse(null);
                if (t == null) {
                    t = new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(tp.topic());
                    resp.topics().add(t);
                }
                t.partitions().add(new OffsetCommitResponseData.OffsetCommitResponsePartition()
                        .setPartitionIndex(tp.partition()).setErrorCode(KafkaErrors.of(e).code()));
            });
            return resp;
        });
    }
}
