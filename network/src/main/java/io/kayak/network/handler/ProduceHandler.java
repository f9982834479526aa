package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.Acks;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.ClusterView;
import io.kayak.network.service.PartitionLeader;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.PartitionService;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * Produce: every partition of the request is appended through the {@link PartitionService} at once, and the
 * response, with one result per partition, is sent when all have answered. Batches are stored as the client
 * sent them (whatever their compression); validation (CRC, framing, size, idempotence) happens below. With
 * acks=0 the appends still happen but no response is sent; as in Kafka, a partition refused at once (not the
 * leader, unknown, invalid batch) closes the connection instead, so the client, which reads no answer, refreshes
 * its metadata. A failure found later (a timeout) goes unnoticed: nobody waits for it. From v10 a {@code NOT_LEADER_OR_FOLLOWER} result
 * names the current leader and its epoch, with the leader's endpoint on this listener, so the client can
 * redirect without a metadata round trip.
 */
public final class ProduceHandler implements ApiHandler {
    /** The first version whose response can name the current leader (KIP-951). */
    private static final short CURRENT_LEADER_VERSION = 10;

    private final PartitionService partitions;
    private final ClusterView cluster;

    public ProduceHandler(PartitionService partitions, ClusterView cluster) {
        this.partitions = partitions;
        this.cluster = cluster;
    }

    private record Pending(String topic, int partition, CompletableFuture<AppendResult> result) {
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        ProduceRequestData req = (ProduceRequestData) request.body();
        Acks acks;
        try {
            acks = Acks.fromWire(req.acks());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(everyPartition(req, Errors.INVALID_REQUIRED_ACKS));
        }
        List<Pending> pending = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData t : req.topicData()) {
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                CompletableFuture<AppendResult> f;
                if (!(p.records() instanceof MemoryRecords records) || records.sizeInBytes() == 0) {
                    f = CompletableFuture.completedFuture(AppendResult.failed(PartitionError.INVALID_RECORD, -1,
                            "no record batches"));
                } else {
                    ByteBuffer batches = records.buffer();
                    f = partitions.append(new TopicPartition(t.name(), p.index()), batches, acks, req.timeoutMs());
                }
                pending.add(new Pending(t.name(), p.index(), f));
            }
        }
        if (acks == Acks.NONE) {
            for (Pending p : pending) {
                AppendResult r = p.result().getNow(null);
                if (r != null && r.error() != PartitionError.NONE) {
                    return CompletableFuture.failedFuture(new IllegalStateException("acks=0 produce to " + p.topic() + "-"
                            + p.partition() + " refused with " + r.error() + "; closing so the client refreshes its metadata"));
                }
            }
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(pending.stream().map(Pending::result).toArray(CompletableFuture[]::new))
                .thenApply(v -> respond(pending, request));
    }

    private ProduceResponseData respond(List<Pending> pending, KafkaRequest request) {
        ProduceResponseData resp = new ProduceResponseData();
        java.util.Map<String, TopicProduceResponse> topics = new java.util.LinkedHashMap<>();
        for (Pending p : pending) {
            TopicProduceResponse t = topics.computeIfAbsent(p.topic(), name -> {
                TopicProduceResponse created = new TopicProduceResponse().setName(name);
                resp.responses().add(created);
                return created;
            });
            AppendResult r = p.result().join();
            Errors error = KafkaErrors.of(r.error());
            PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(p.partition())
                    .setErrorCode(error.code())
                    .setErrorMessage(error == Errors.NONE || r.message().isEmpty() ? null : r.message())
                    .setBaseOffset(error == Errors.NONE ? r.baseOffset() : -1)
                    .setLogAppendTimeMs(-1)
                    .setLogStartOffset(error == Errors.NONE ? r.logStartOffset() : -1);
            if (error == Errors.NOT_LEADER_OR_FOLLOWER && r.leaderHint() >= 0 && request.version() >= CURRENT_LEADER_VERSION) {
                int epoch = partitions.leader(new TopicPartition(p.topic(), p.partition()))
                        .filter(l -> l.leader() == r.leaderHint()).map(PartitionLeader::leaderEpoch).orElse(-1);
                pr.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch().setLeaderId(r.leaderHint()).setLeaderEpoch(epoch));
                addEndpoint(resp, r.leaderHint(), request.listener());
            }
            t.partitionResponses().add(pr);
        }
        return resp;
    }

    private void addEndpoint(ProduceResponseData resp, int nodeId, String listener) {
        if (resp.nodeEndpoints().find(nodeId) != null) {
            return;
        }
        for (ClusterView.BrokerEndpoint b : cluster.liveBrokers(listener)) {
            if (b.nodeId() == nodeId) {
                resp.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(b.nodeId()).setHost(b.host())
                        .setPort(b.port()).setRack(b.rack()));
            }
        }
    }

    private static ProduceResponseData everyPartition(ProduceRequestData req, Errors error) {
        ProduceResponseData resp = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData t : req.topicData()) {
            TopicProduceResponse tr = new TopicProduceResponse().setName(t.name());
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                tr.partitionResponses().add(new PartitionProduceResponse().setIndex(p.index()).setErrorCode(error.code())
                        .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1));
            }
            resp.responses().add(tr);
        }
        return resp;
    }
}
