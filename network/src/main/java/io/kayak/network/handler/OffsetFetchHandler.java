package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.GroupService.Offset;
import io.kayak.network.service.GroupService.OffsetsResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch: committed offsets of the requested partitions (offset -1 where none is committed), or of every
 * partition the group has committed when no topics are named. One group before version 8, a batch from 8.
 * Version 1 has no group-level error: a group error is repeated on every partition.
 */
public final class OffsetFetchHandler implements ApiHandler {
    private final GroupService groups;

    public OffsetFetchHandler(GroupService groups) {
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        OffsetFetchRequestData req = (OffsetFetchRequestData) request.body();
        short v = request.version();
        OffsetFetchResponseData resp = new OffsetFetchResponseData();
        if (v >= 8) {
            for (OffsetFetchRequestData.OffsetFetchRequestGroup g : req.groups()) {
                List<TopicPartition> wanted = g.topics() == null ? null : partitions(g.topics().stream()
                        .map(t -> Map.entry(t.name(), t.partitionIndexes())).toList());
                OffsetsResult r = groups.fetchOffsets(g.groupId(), wanted);
                OffsetFetchResponseData.OffsetFetchResponseGroup out = new OffsetFetchResponseData.OffsetFetchResponseGroup()
                        .setGroupId(g.groupId()).setErrorCode(KafkaErrors.of(r.error()).code());
                for (Map.Entry<String, List<TopicPartition>> t : byTopic(wanted, r).entrySet()) {
                    OffsetFetchResponseData.OffsetFetchResponseTopics rt = new OffsetFetchResponseData.OffsetFetchResponseTopics()
                            .setName(t.getKey());
                    for (TopicPartition tp : t.getValue()) {
                        Offset o = r.offsets().get(tp);
                        rt.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                                .setPartitionIndex(tp.partition()).setCommittedOffset(o == null ? -1 : o.offset())
                                .setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch())
                                .setMetadata(o == null ? "" : o.metadata()).setErrorCode(Errors.NONE.code()));
                    }
                    out.topics().add(rt);
                }
                resp.groups().add(out);
            }
            return CompletableFuture.completedFuture(resp);
        }
        List<TopicPartition> wanted = req.topics() == null ? null : partitions(req.topics().stream()
                .map(t -> Map.entry(t.name(), t.partitionIndexes())).toList());
        OffsetsResult r = groups.fetchOffsets(req.groupId(), wanted);
        if (v >= 2) {
            resp.setErrorCode(KafkaErrors.of(r.error()).code());
        }
        short partitionError = v < 2 ? KafkaErrors.of(r.error()).code() : Errors.NONE.code();
        for (Map.Entry<String, List<TopicPartition>> t : byTopic(wanted, r).entrySet()) {
            OffsetFetchResponseData.OffsetFetchResponseTopic rt = new OffsetFetchResponseData.OffsetFetchResponseTopic()
                    .setName(t.getKey());
            for (TopicPartition tp : t.getValue()) {
                Offset o = r.offsets().get(tp);
                OffsetFetchResponseData.OffsetFetchResponsePartition p = new OffsetFetchResponseData.OffsetFetchResponsePartition()
                        .setPartitionIndex(tp.partition()).setCommittedOffset(o == null ? -1 : o.offset())
                        .setMetadata(o == null ? "" : o.metadata()).setErrorCode(partitionError);
                if (v >= 5) {
                    p.setCommittedLeaderEpoch(o == null ? -1 : o.leaderEpoch());
                }
                rt.partitions().add(p);
            }
            resp.topics().add(rt);
        }
        return CompletableFuture.completedFuture(resp);
    }

    private static List<TopicPartition> partitions(List<Map.Entry<String, List<Integer>>> topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> t : topics) {
            for (int p : t.getValue()) {
                out.add(new TopicPartition(t.getKey(), p));
            }
        }
        return out;
    }

    /** The partitions to answer for, by topic: the requested ones, or every committed one. */
    private static Map<String, List<TopicPartition>> byTopic(List<TopicPartition> wanted, OffsetsResult r) {
        Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
        if (r.error() != GroupError.NONE && wanted == null) {
            return out;
        }
        for (TopicPartition tp : wanted != null ? wanted : new ArrayList<>(r.offsets().keySet())) {
            out.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp);
        }
        return out;
    }
}
