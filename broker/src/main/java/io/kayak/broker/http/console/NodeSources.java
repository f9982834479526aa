package io.kayak.broker.http.console;

import com.codahale.metrics.MetricRegistry;
import io.kayak.broker.group.GroupCoordinator;
import io.kayak.broker.lag.ConsumerLag;
import io.kayak.broker.replica.ReplicaManager;
import io.kayak.broker.replica.ReplicatedPartitionService;
import io.kayak.metadata.quorum.MetadataNode;
import io.kayak.network.service.TopicService;
import java.util.function.Supplier;

/**
 * What the console's JSON endpoints read on this node; all owned by the node, none closed here.
 *
 * @param replicas the replica manager, or null while the node waits for its registration
 * @param topics       topic creation and deletion, the service the Kafka CreateTopics and DeleteTopics handlers use
 * @param adminEnabled {@code kayak.console.admin.enable}: whether {@link ConsoleAdminActions} may act
 */
public record NodeSources(String clusterId, int nodeId, MetadataNode metadata, Supplier<ReplicaManager> replicas,
                          ReplicatedPartitionService partitions, GroupCoordinator groups, TopicService topics, ConsumerLag lag,
                          MetricRegistry registry, boolean adminEnabled) {
}
