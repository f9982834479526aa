package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.ClusterView;
import io.kayak.network.service.ElectionResult;
import io.kayak.network.service.PartitionService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ElectLeaders, answered by any node. Preferred: the partition's first assigned replica takes over through a
 * Raft leadership transfer ({@code ELECTION_NOT_NEEDED} if it already leads, {@code PREFERRED_LEADER_NOT_AVAILABLE}
 * if it cannot). Unclean: Raft never elects a replica that may lack committed records, and elects a leader by
 * itself whenever a majority of replicas is up, so there is nothing to force: a partition with a leader answers
 * {@code ELECTION_NOT_NEEDED}, one without {@code ELIGIBLE_LEADERS_NOT_AVAILABLE} with that explanation. A null
 * partition list means every partition, and then only partitions where something was done or failed are listed,
 * as Kafka does.
 */
public final class ElectLeadersHandler implements ApiHandler {
    /** The first version that carries a top-level error code (and the election type). */
    private static final short ERROR_CODE_VERSION = 1;
    /** The longest a hand-over may take, whatever the client's timeout. */
    static final long TRANSFER_TIMEOUT_MAX_MS = 30_000;
    static final String UNCLEAN_MESSAGE = "Kayak never elects an unclean leader: a Raft majority of the partition's"
            + " replicas elects one holding every committed record as soon as that majority is up";

    private final PartitionService partitions;
    private final ClusterView cluster;

    public ElectLeadersHandler(PartitionService partitions, ClusterView cluster) {
        this.partitions = partitions;
        this.cluster = cluster;
    }

    private record Pending(TopicPartition tp, CompletableFuture<PartitionResult> result) {
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        ElectLeadersRequestData req = (ElectLeadersRequestData) request.body();
        boolean everything = req.topicPartitions() == null;
        boolean unclean = request.version() >= ERROR_CODE_VERSION && req.electionType() == ElectionType.UNCLEAN.value;
        long timeoutMs = Math.min(Math.max(1, req.timeoutMs()), TRANSFER_TIMEOUT_MAX_MS);
        List<Pending> pending = new ArrayList<>();
        for (TopicPartition tp : targets(req)) {
            CompletableFuture<PartitionResult> r = unclean
                    ? CompletableFuture.completedFuture(unclean(tp))
                    : partitions.electPreferred(tp, timeoutMs).thenApply(e -> preferred(tp, e));
            pending.add(new Pending(tp, r));
        }
        return CompletableFuture.allOf(pending.stream().map(Pending::result).toArray(CompletableFuture[]::new))
                .thenApply(v -> respond(pending, everything, request.version()));
    }

    private List<TopicPartition> targets(ElectLeadersRequestData req) {
        List<TopicPartition> out = new ArrayList<>();
        if (req.topicPartitions() == null) {
            for (ClusterView.TopicView t : cluster.topics()) {
                for (ClusterView.PartitionView p : t.partitions()) {
                    out.add(new TopicPartition(t.name(), p.partition()));
                }
            }
            return out;
        }
        for (ElectLeadersRequestData.TopicPartitions t : req.topicPartitions()) {
            for (int p : t.partitions()) {
                out.add(new TopicPartition(t.topic(), p));
            }
        }
        return out;
    }

    private static PartitionResult preferred(TopicPartition tp, ElectionResult e) {
        return switch (e) {
            case ELECTED -> result(tp, Errors.NONE, null);
            case NOT_NEEDED -> result(tp, Errors.ELECTION_NOT_NEEDED, "the preferred replica already leads " + tp);
            case NOT_AVAILABLE -> result(tp, Errors.PREFERRED_LEADER_NOT_AVAILABLE, "the preferred replica of " + tp
                    + " cannot take over now (not in the ISR, no current leader, or the hand-over was refused or timed out)");
            case UNKNOWN_PARTITION -> result(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION, "no partition " + tp);
        };
    }

    private PartitionResult unclean(TopicPartition tp) {
        Optional<ClusterView.PartitionView> p = cluster.topic(tp.topic())
                .filter(t -> tp.partition() >= 0 && tp.partition() < t.partitions().size())
                .map(t -> t.partitions().get(tp.partition()));
        if (p.isEmpty()) {
            return result(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION, "no partition " + tp);
        }
        return p.get().leader() >= 0 ? result(tp, Errors.ELECTION_NOT_NEEDED, tp + " has a leader; " + UNCLEAN_MESSAGE)
                : result(tp, Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, UNCLEAN_MESSAGE);
    }

    private static PartitionResult result(TopicPartition tp, Errors error, String message) {
        return new PartitionResult().setPartitionId(tp.partition()).setErrorCode(error.code()).setErrorMessage(message);
    }

    private static ElectLeadersResponseData respond(List<Pending> pending, boolean everything, short version) {
        ElectLeadersResponseData resp = new ElectLeadersResponseData().setThrottleTimeMs(0);
        if (version >= ERROR_CODE_VERSION) {
            resp.setErrorCode(Errors.NONE.code());
        }
        Map<String, ReplicaElectionResult> topics = new LinkedHashMap<>();
        for (Pending p : pending) {
            PartitionResult r = p.result().join();
            if (everything && r.errorCode() == Errors.ELECTION_NOT_NEEDED.code()) {
                continue;
            }
            topics.computeIfAbsent(p.tp().topic(), name -> new ReplicaElectionResult().setTopic(name)).partitionResult().add(r);
        }
        resp.replicaElectionResults().addAll(topics.values());
        return resp;
    }
}
