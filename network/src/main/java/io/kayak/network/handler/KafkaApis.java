package io.kayak.network.handler;

import io.kayak.network.delay.DelayedFetches;
import io.kayak.network.protocol.ApiVersionTable;
import io.kayak.network.service.ClusterView;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.PartitionService;
import io.kayak.network.service.ProducerIds;
import io.kayak.network.service.TopicService;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.protocol.ApiKeys;

/** Builds the node's {@link ApiDispatcher}: one handler per API of {@link ApiVersionTable#current()}. */
public final class KafkaApis {
    private KafkaApis() {
    }

    /**
     * @param timer runs the re-reads and timers of fetches waiting for {@code min_bytes}; owned by the caller
     */
    public static ApiDispatcher dispatcher(int nodeId, ClusterView cluster, PartitionService partitions,
                                           TopicService topics, ProducerIds producerIds, GroupService groups,
                                           ScheduledExecutorService timer, boolean autoCreateTopics) {
        ApiVersionTable versions = ApiVersionTable.current();
        Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);
        handlers.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(versions));
        handlers.put(ApiKeys.METADATA, new MetadataHandler(cluster, topics, autoCreateTopics));
        handlers.put(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(cluster));
        handlers.put(ApiKeys.PRODUCE, new ProduceHandler(partitions, cluster));
        DelayedFetches waits = new DelayedFetches();
        partitions.addListener(waits);
        handlers.put(ApiKeys.FETCH, new FetchHandler(partitions, timer, waits));
        handlers.put(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(partitions));
        handlers.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(partitions));
        handlers.put(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(producerIds));
        handlers.put(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(topics));
        handlers.put(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(topics));
        handlers.put(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(topics));
        handlers.put(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(partitions));
        handlers.put(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(topics));
        handlers.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, AlterConfigsHandlers.incremental(topics));
        handlers.put(ApiKeys.ALTER_CONFIGS, AlterConfigsHandlers.legacy(topics));
        handlers.put(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(groups, cluster));
        handlers.put(ApiKeys.JOIN_GROUP, new JoinGroupHandler(groups));
        handlers.put(ApiKeys.SYNC_GROUP, new SyncGroupHandler(groups));
        handlers.put(ApiKeys.HEARTBEAT, GroupMembershipHandlers.heartbeat(groups));
        handlers.put(ApiKeys.LEAVE_GROUP, GroupMembershipHandlers.leave(groups));
        handlers.put(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(groups));
        handlers.put(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(groups));
        handlers.put(ApiKeys.LIST_GROUPS, GroupAdminHandlers.listGroups(groups));
        handlers.put(ApiKeys.DESCRIBE_GROUPS, GroupAdminHandlers.describeGroups(groups));
        handlers.put(ApiKeys.DELETE_GROUPS, GroupAdminHandlers.deleteGroups(groups));
        handlers.put(ApiKeys.OFFSET_DELETE, GroupAdminHandlers.offsetDelete(groups));
        handlers.put(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(partitions));
        handlers.put(ApiKeys.ELECT_LEADERS, new ElectLeadersHandler(partitions, cluster));
        return new ApiDispatcher(versions, handlers);
    }
}
