package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.ClusterView;
import io.kayak.network.service.ClusterView.PartitionView;
import io.kayak.network.service.ClusterView.TopicView;
import io.kayak.network.service.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata from this node's image: live brokers with their endpoint on the listener the request came in on,
 * the cluster id and controller (the metadata quorum leader), and the requested topics (all when the request
 * names none) with each partition's leader, leader epoch, replicas, ISR and offline replicas. A partition
 * without a published leader answers {@code LEADER_NOT_AVAILABLE}, an unknown topic
 * {@code UNKNOWN_TOPIC_OR_PARTITION}, unless the broker has {@code auto.create.topics.enable} and the request
 * allows it: then the topic is created with the broker defaults and answered {@code LEADER_NOT_AVAILABLE} until its
 * partitions have leaders, as Kafka does.
 */
public final class MetadataHandler implements ApiHandler {
    private final ClusterView cluster;
    private final TopicService topics;
    private final boolean autoCreate;

    public MetadataHandler(ClusterView cluster, TopicService topics, boolean autoCreate) {
        this.cluster = cluster;
        this.topics = topics;
        this.autoCreate = autoCreate;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        MetadataRequestData req = (MetadataRequestData) request.body();
        MetadataResponseData resp = new MetadataResponseData()
                .setClusterId(cluster.clusterId())
                .setControllerId(cluster.controllerId());
        for (ClusterView.BrokerEndpoint b : cluster.liveBrokers(request.listener())) {
            resp.brokers().add(new MetadataResponseBroker().setNodeId(b.nodeId()).setHost(b.host()).setPort(b.port())
                    .setRack(b.rack()));
        }
        // v0 sends an empty list for "all topics"; later versions send null.
        boolean all = req.topics() == null || (request.version() == 0 && req.topics().isEmpty());
        if (all) {
            cluster.topics().forEach(t -> resp.topics().add(topic(t)));
        } else {
            for (MetadataRequestData.MetadataRequestTopic rt : req.topics()) {
                Optional<TopicView> t = rt.name() == null ? Optional.empty() : cluster.topic(rt.name());
                if (t.isPresent()) {
                    resp.topics().add(topic(t.get()));
                    continue;
                }
                // v0-3 have no allow flag: they always allow, as in Kafka.
                boolean create = autoCreate && rt.name() != null && (request.version() < 4 || req.allowAutoTopicCreation());
                if (create) {
                    topics.create(rt.name(), -1, -1, List.of(), Map.of(), false);
                }
                resp.topics().add(new MetadataResponseTopic().setName(rt.name())
                        .setTopicId(rt.topicId() == null ? Uuid.ZERO_UUID : rt.topicId())
                        .setErrorCode(create ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
            }
        }
        return CompletableFuture.completedFuture(resp);
    }

    private static MetadataResponseTopic topic(TopicView t) {
        MetadataResponseTopic out = new MetadataResponseTopic().setName(t.name())
                .setTopicId(new Uuid(t.topicId().getMostSignificantBits(), t.topicId().getLeastSignificantBits()))
                .setIsInternal(false);
        for (PartitionView p : t.partitions()) {
            out.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(p.partition())
                    .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                    .setLeaderId(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr()))
                    .setOfflineReplicas(new ArrayList<>(p.offlineReplicas())));
        }
        return out;
    }

}
