package io.kayak.network.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.network.protocol.ApiVersionTable;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.protocol.ResponseEncoder;
import io.kayak.network.service.Acks;
import io.kayak.network.service.AppendResult;
import io.kayak.network.service.ClusterView;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.OffsetResult;
import io.kayak.network.service.PartitionError;
import io.kayak.network.service.PartitionLeader;
import io.kayak.network.service.PartitionService;
import io.kayak.network.service.ReadResult;
import io.kayak.network.service.RecordsSlice;
import io.kayak.network.service.TopicService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every advertised API at every advertised version: a representative request through its real handler (over
 * fake services, with errors and successes), and the response must encode at that version and decode back.
 * Catches a handler setting a field an older version cannot carry, which would otherwise close a client's
 * connection (found with kcat: ListOffsets v2 and the leader epoch).
 */
class ResponseVersionsTest {
    @TempDir
    Path tmp;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static final UUID TOPIC_ID = UUID.randomUUID();

    private final ClusterView cluster = new ClusterView() {
        @Override
        public String clusterId() {
            return "cluster";
        }

        @Override
        public int controllerId() {
            return 1;
        }

        @Override
        public List<BrokerEndpoint> liveBrokers(String listener) {
            return List.of(new BrokerEndpoint(1, "h1", 9092, "rack-a"), new BrokerEndpoint(2, "h2", 9092, null));
        }

        @Override
        public List<TopicView> topics() {
            return List.of(topic());
        }

        @Override
        public Optional<TopicView> topic(String name) {
            return name.equals("t") ? Optional.of(topic()) : Optional.empty();
        }

        private TopicView topic() {
            return new TopicView("t", TOPIC_ID, List.of(new PartitionView(0, 1, 5, List.of(1, 2), List.of(1), List.of(2)),
                    new PartitionView(1, -1, -1, List.of(2, 1), List.of(), List.of())));
        }
    };

    private PartitionService partitions(FileChannel segment, int length) {
        return new PartitionService() {
            @Override
            public CompletableFuture<AppendResult> append(TopicPartition partition, ByteBuffer records, Acks acks, long timeoutMs) {
                return CompletableFuture.completedFuture(partition.partition() == 0 ? AppendResult.appended(10, 12, 3)
                        : AppendResult.failed(PartitionError.NOT_LEADER, 2, "not here"));
            }

            @Override
            public ReadResult read(TopicPartition partition, long offset, int maxBytes, int currentLeaderEpoch) {
                return partition.partition() == 0
                        ? new ReadResult(PartitionError.NONE, 20, 0, new RecordsSlice(segment, 0, length), -1)
                        : ReadResult.failed(PartitionError.OFFSET_OUT_OF_RANGE, -1);
            }

            @Override
            public OffsetResult listOffset(TopicPartition partition, long timestamp) {
                return new OffsetResult(PartitionError.NONE, 7, 1000, 4, -1);
            }

            @Override
            public CompletableFuture<OffsetResult> deleteRecords(TopicPartition partition, long offset, long timeoutMs) {
                return CompletableFuture.completedFuture(new OffsetResult(PartitionError.NONE, offset, -1, 4, -1));
            }

            @Override
            public Optional<PartitionLeader> leader(TopicPartition partition) {
                return Optional.empty();
            }

            @Override
            public CompletableFuture<io.kayak.network.service.ElectionResult> electPreferred(TopicPartition partition, long timeoutMs) {
                return CompletableFuture.completedFuture(partition.partition() == 0
                        ? io.kayak.network.service.ElectionResult.ELECTED : io.kayak.network.service.ElectionResult.NOT_AVAILABLE);
            }

            @Override
            public io.kayak.network.service.EpochEndOffset endOffsetForEpoch(TopicPartition partition, int currentLeaderEpoch,
                                                                             int leaderEpoch) {
                return partition.partition() == 0 ? new io.kayak.network.service.EpochEndOffset(PartitionError.NONE, 3, 17, -1)
                        : io.kayak.network.service.EpochEndOffset.failed(PartitionError.FENCED_LEADER_EPOCH, -1);
            }

            @Override
            public List<io.kayak.network.service.LogDirInfo> logDirs() {
                return List.of(new io.kayak.network.service.LogDirInfo("/data/kayak", PartitionError.NONE, 1000, 500,
                        List.of(new io.kayak.network.service.LogDirInfo.PartitionSize("t", 0, 123),
                                new io.kayak.network.service.LogDirInfo.PartitionSize("u", 1, 7))));
            }

            @Override
            public void addListener(io.kayak.network.service.PartitionListener listener) {
            }
        };
    }

    private final TopicService topics = new TopicService() {
        @Override
        public CompletableFuture<TopicResult> create(String name, int partitions, int replicationFactor,
                                                     List<List<Integer>> assignment, Map<String, String> configs,
                                                     boolean validateOnly) {
            return CompletableFuture.completedFuture(name.equals("t") ? TopicResult.failed(TopicError.TOPIC_ALREADY_EXISTS,
                    "exists") : TopicResult.ok(UUID.randomUUID(), 3, 2));
        }

        @Override
        public CompletableFuture<TopicResult> delete(String name) {
            return CompletableFuture.completedFuture(TopicResult.failed(TopicError.UNKNOWN_TOPIC, "no " + name));
        }

        @Override
        public CompletableFuture<TopicResult> createPartitions(String name, int total, List<List<Integer>> assignment,
                                                               boolean validateOnly) {
            return CompletableFuture.completedFuture(TopicResult.failed(TopicError.INVALID_PARTITIONS, "fewer"));
        }

        @Override
        public Optional<Map<String, String>> topicConfigs(String name) {
            return Optional.of(Map.of("retention.ms", "5"));
        }

        @Override
        public Optional<Map<String, String>> effectiveTopicConfigs(String name) {
            return Optional.of(Map.of("retention.ms", "5", "segment.bytes", "1024"));
        }

        @Override
        public Map<String, BrokerConfigSource> inheritedTopicConfigSources(String name) {
            return Map.of("segment.bytes", BrokerConfigSource.DYNAMIC_DEFAULT_BROKER);
        }

        @Override
        public BrokerConfigsResult brokerConfigs(String resourceName) {
            return new BrokerConfigsResult(TopicError.NONE, null, List.of(
                    new BrokerConfig("node.id", "1", BrokerConfigSource.STATIC_BROKER, true),
                    new BrokerConfig("log.retention.ms", "60000", BrokerConfigSource.DYNAMIC_DEFAULT_BROKER, false)));
        }

        @Override
        public CompletableFuture<TopicResult> alterBrokerConfigs(String resourceName, Map<String, String> changes,
                                                                 boolean validateOnly) {
            return CompletableFuture.completedFuture(TopicResult.failed(TopicError.INVALID_REQUEST, "static"));
        }

        @Override
        public CompletableFuture<TopicResult> alterTopicConfigs(String name, Map<String, String> changes, boolean validateOnly) {
            return CompletableFuture.completedFuture(TopicResult.failed(TopicError.INVALID_CONFIG, "bad"));
        }
    };

    /** Answers with members, assignments, offsets and errors, so each response carries the fields versions differ in. */
    private final GroupService groups = new GroupService() {
        @Override
        public int coordinator(String groupId) {
            return 2;
        }

        @Override
        public CompletableFuture<JoinResult> join(JoinRequest r) {
            return CompletableFuture.completedFuture(new JoinResult(GroupError.NONE, 3, "consumer", "range", "m-1", "m-1",
                    List.of(new JoinedMember("m-1", null, new byte[]{1}), new JoinedMember("m-2", "i-2", new byte[]{2})),
                    true));
        }

        @Override
        public CompletableFuture<SyncResult> sync(SyncRequest r) {
            return CompletableFuture.completedFuture(new SyncResult(GroupError.NONE, "consumer", "range", new byte[]{7}));
        }

        @Override
        public GroupError heartbeat(String groupId, String memberId, String instanceId, int generation) {
            return GroupError.REBALANCE_IN_PROGRESS;
        }

        @Override
        public LeaveResult leave(String groupId, List<MemberRef> members) {
            return new LeaveResult(GroupError.NONE, members.stream().map(m -> GroupError.UNKNOWN_MEMBER_ID).toList());
        }

        @Override
        public CompletableFuture<Map<TopicPartition, GroupError>> commit(CommitRequest r) {
            Map<TopicPartition, GroupError> out = new java.util.LinkedHashMap<>();
            r.offsets().keySet().forEach(tp -> out.put(tp, tp.partition() == 0 ? GroupError.NONE
                    : GroupError.UNKNOWN_TOPIC_OR_PARTITION));
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public OffsetsResult fetchOffsets(String groupId, List<TopicPartition> partitions) {
            return new OffsetsResult(GroupError.NONE, Map.of(new TopicPartition("t", 0), new Offset(5, 2, "m")));
        }

        @Override
        public List<GroupOverview> listGroups() {
            return List.of(new GroupOverview("g", "consumer", "Stable"), new GroupOverview("h", "", "Empty"));
        }

        @Override
        public GroupDescription describe(String groupId) {
            return new GroupDescription(GroupError.NONE, groupId, "Stable", "consumer", "range", List.of(
                    new MemberDescription("m-1", "i-1", "c", "/127.0.0.1", new byte[]{1}, new byte[]{2})));
        }

        @Override
        public CompletableFuture<GroupError> delete(String groupId) {
            return CompletableFuture.completedFuture(GroupError.NON_EMPTY_GROUP);
        }

        @Override
        public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
            Map<TopicPartition, GroupError> out = new java.util.LinkedHashMap<>();
            partitions.forEach(tp -> out.put(tp, GroupError.GROUP_SUBSCRIBED_TO_TOPIC));
            return CompletableFuture.completedFuture(new OffsetDeleteResult(GroupError.NONE, out));
        }
    };

    private static ApiMessage sample(ApiKeys key) {
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
        switch (key) {
            case API_VERSIONS:
                return new ApiVersionsRequestData();
            case METADATA: {
                MetadataRequestData m = new MetadataRequestData().setAllowAutoTopicCreation(false);
                m.setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t"),
                        new MetadataRequestData.MetadataRequestTopic().setName("missing")));
                return m;
            }
            case DESCRIBE_CLUSTER:
                return new DescribeClusterRequestData();
            case PRODUCE: {
                ProduceRequestData p = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000);
                ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName("t");
                t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch));
                t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(batch));
                p.topicData().add(t);
                return p;
            }
            case FETCH:
                return new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setTopics(List.of(
                        new FetchRequestData.FetchTopic().setTopic("t").setPartitions(List.of(
                                new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20),
                                new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(99).setPartitionMaxBytes(1 << 20)))));
            case LIST_OFFSETS:
                return new ListOffsetsRequestData().setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName("t")
                        .setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))));
            case INIT_PRODUCER_ID:
                return new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(1000);
            case CREATE_TOPICS: {
                CreateTopicsRequestData c = new CreateTopicsRequestData();
                c.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("new").setNumPartitions(3).setReplicationFactor((short) 2));
                c.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("t").setNumPartitions(1).setReplicationFactor((short) 1));
                return c;
            }
            case DELETE_TOPICS:
                return new DeleteTopicsRequestData().setTopicNames(List.of("gone"));
            case CREATE_PARTITIONS: {
                CreatePartitionsRequestData c = new CreatePartitionsRequestData();
                c.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("t").setCount(1));
                return c;
            }
            case DELETE_RECORDS: {
                DeleteRecordsRequestData d = new DeleteRecordsRequestData();
                d.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("t").setPartitions(List.of(
                        new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(3))));
                return d;
            }
            case DESCRIBE_CONFIGS:
                return new DescribeConfigsRequestData().setResources(List.of(
                        new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                                .setResourceName("t"),
                        new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(ConfigResource.Type.BROKER.id())
                                .setResourceName("1")));
            case INCREMENTAL_ALTER_CONFIGS: {
                IncrementalAlterConfigsRequestData r = new IncrementalAlterConfigsRequestData();
                IncrementalAlterConfigsRequestData.AlterConfigsResource res = new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("t");
                res.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("1"));
                r.resources().add(res);
                return r;
            }
            case ALTER_CONFIGS: {
                AlterConfigsRequestData r = new AlterConfigsRequestData();
                AlterConfigsRequestData.AlterConfigsResource res = new AlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("t");
                res.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("1"));
                r.resources().add(res);
                return r;
            }
            case FIND_COORDINATOR:
                return new FindCoordinatorRequestData().setKey("g").setCoordinatorKeys(List.of("g", "h"));
            case JOIN_GROUP: {
                JoinGroupRequestData j = new JoinGroupRequestData().setGroupId("g").setSessionTimeoutMs(10_000)
                        .setRebalanceTimeoutMs(30_000).setMemberId("").setProtocolType("consumer");
                j.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[]{1}));
                return j;
            }
            case SYNC_GROUP:
                return new SyncGroupRequestData().setGroupId("g").setGenerationId(3).setMemberId("m-1").setAssignments(List.of(
                        new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId("m-1").setAssignment(new byte[]{7})));
            case HEARTBEAT:
                return new HeartbeatRequestData().setGroupId("g").setGenerationId(3).setMemberId("m-1");
            case LEAVE_GROUP:
                return new LeaveGroupRequestData().setGroupId("g").setMemberId("m-1").setMembers(List.of(
                        new LeaveGroupRequestData.MemberIdentity().setMemberId("m-1")));
            case OFFSET_COMMIT:
                return new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(3).setMemberId("m-1")
                        .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5),
                                new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(6)))));
            case OFFSET_FETCH:
                return new OffsetFetchRequestData().setGroupId("g").setTopics(List.of(
                                new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("t").setPartitionIndexes(List.of(0, 1))))
                        .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("g").setTopics(null)));
            case LIST_GROUPS:
                return new ListGroupsRequestData();
            case DESCRIBE_GROUPS:
                return new DescribeGroupsRequestData().setGroups(List.of("g"));
            case DELETE_GROUPS:
                return new DeleteGroupsRequestData().setGroupsNames(List.of("g"));
            case OFFSET_DELETE: {
                OffsetDeleteRequestData d = new OffsetDeleteRequestData().setGroupId("g");
                OffsetDeleteRequestData.OffsetDeleteRequestTopic t = new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("t");
                t.partitions().add(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0));
                d.topics().add(t);
                return d;
            }
            case ELECT_LEADERS: {
                ElectLeadersRequestData e = new ElectLeadersRequestData().setElectionType((byte) 0).setTimeoutMs(1000);
                e.topicPartitions().add(new ElectLeadersRequestData.TopicPartitions().setTopic("t").setPartitions(List.of(0, 1)));
                return e;
            }
            case OFFSET_FOR_LEADER_EPOCH: {
                OffsetForLeaderEpochRequestData o = new OffsetForLeaderEpochRequestData();
                OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t = new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic()
                        .setTopic("t");
                t.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                        .setCurrentLeaderEpoch(5).setLeaderEpoch(3));
                t.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(1)
                        .setCurrentLeaderEpoch(4).setLeaderEpoch(3));
                o.topics().add(t);
                return o;
            }
            case DESCRIBE_LOG_DIRS:
                return new DescribeLogDirsRequestData().setTopics(null);
            default:
                throw new AssertionError("no sample request for " + key + ": add one when advertising it");
        }
    }

    @Test
    void everyAdvertisedVersionOfEveryApiEncodesItsResponse() throws Exception {
        MemoryRecords stored = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("stored".getBytes()));
        Path file = tmp.resolve("segment");
        Files.write(file, java.util.Arrays.copyOfRange(stored.buffer().array(), 0, stored.sizeInBytes()));
        try (FileChannel segment = FileChannel.open(file, StandardOpenOption.READ)) {
            ApiDispatcher dispatcher = KafkaApis.dispatcher(1, cluster, partitions(segment, stored.sizeInBytes()), topics,
                    () -> CompletableFuture.completedFuture(42L), groups, timer, false);
            for (Map.Entry<ApiKeys, ApiVersionTable.Range> e : ApiVersionTable.current().ranges().entrySet()) {
                ApiKeys key = e.getKey();
                for (short v = e.getValue().min(); v <= e.getValue().max(); v++) {
                    RequestHeader header = new RequestHeader(new RequestHeaderData().setRequestApiKey(key.id)
                            .setRequestApiVersion(v).setCorrelationId(v).setClientId("t"), key.requestHeaderVersion(v));
                    ApiMessage response = dispatcher.dispatch(new KafkaRequest(header, sample(key), "PLAINTEXT"))
                            .get(10, TimeUnit.SECONDS);
                    assertNotNull(response, key + " v" + v);
                    ResponseEncoder.Encoded out;
                    try {
                        out = ResponseEncoder.encode(UnpooledByteBufAllocator.DEFAULT, key, v, v, response);
                    } catch (RuntimeException ex) {
                        throw new AssertionError(key + " v" + v + " response does not encode: " + ex.getMessage(), ex);
                    }
                    try {
                        ByteBuffer b = ByteBuffer.wrap(bytes(out));
                        assertEquals(out.bytes(), b.remaining());
                        assertEquals(b.remaining() - 4, b.getInt());
                        ResponseHeaderData h = new ResponseHeaderData();
                        h.read(new ByteBufferAccessor(b), key.responseHeaderVersion(v));
                        assertEquals(v, h.correlationId());
                        ApiMessage decoded = org.apache.kafka.common.message.ApiMessageType.fromApiKey(key.id).newResponse();
                        decoded.read(new ByteBufferAccessor(b), v);
                        assertEquals(0, b.remaining(), key + " v" + v + " decodes exactly");
                    } finally {
                        out.release();
                    }
                    if (key == ApiKeys.FETCH) {
                        assertTrue(out.parts().stream().anyMatch(p -> p instanceof io.netty.channel.FileRegion),
                                "fetched batches go out as a file region, not copied");
                    }
                }
            }
        }
    }


    @Test
    void notLeaderProduceResultsNameTheCurrentLeaderFromVersionTen() throws Exception {
        ApiDispatcher dispatcher = KafkaApis.dispatcher(1, cluster, partitions(null, 0), topics,
                () -> CompletableFuture.completedFuture(42L), groups, timer, false);
        for (short v : new short[] {9, 10, 12}) {
            RequestHeader header = new RequestHeader(new RequestHeaderData().setRequestApiKey(ApiKeys.PRODUCE.id)
                    .setRequestApiVersion(v).setCorrelationId(1).setClientId("t"), ApiKeys.PRODUCE.requestHeaderVersion(v));
            org.apache.kafka.common.message.ProduceResponseData r = (org.apache.kafka.common.message.ProduceResponseData)
                    dispatcher.dispatch(new KafkaRequest(header, sample(ApiKeys.PRODUCE), "PLAINTEXT")).get(10, TimeUnit.SECONDS);
            var notLeader = r.responses().iterator().next().partitionResponses().get(1);
            assertEquals(org.apache.kafka.common.protocol.Errors.NOT_LEADER_OR_FOLLOWER.code(), notLeader.errorCode());
            if (v < 10) {
                assertEquals(-1, notLeader.currentLeader().leaderId(), "v" + v + " cannot carry it");
            } else {
                assertEquals(2, notLeader.currentLeader().leaderId());
                assertEquals("h2", r.nodeEndpoints().find(2).host());
            }
        }
    }

    private org.apache.kafka.common.message.ElectLeadersResponseData elect(ApiDispatcher d, byte type, boolean all)
            throws Exception {
        short v = 2;
        RequestHeader header = new RequestHeader(new RequestHeaderData().setRequestApiKey(ApiKeys.ELECT_LEADERS.id)
                .setRequestApiVersion(v).setCorrelationId(1).setClientId("t"), ApiKeys.ELECT_LEADERS.requestHeaderVersion(v));
        ElectLeadersRequestData body = (ElectLeadersRequestData) sample(ApiKeys.ELECT_LEADERS);
        body.setElectionType(type);
        if (all) {
            body.setTopicPartitions(null);
        }
        return (org.apache.kafka.common.message.ElectLeadersResponseData) d.dispatch(new KafkaRequest(header, body, "PLAINTEXT"))
                .get(10, TimeUnit.SECONDS);
    }

    private static Map<Integer, Short> codes(org.apache.kafka.common.message.ElectLeadersResponseData r) {
        Map<Integer, Short> out = new java.util.TreeMap<>();
        r.replicaElectionResults().forEach(t -> t.partitionResult().forEach(p -> out.put(p.partitionId(), p.errorCode())));
        return out;
    }

    @Test
    void electLeadersMapsPreferredOutcomesAndRefusesUncleanElectionsWithAReason() throws Exception {
        ApiDispatcher d = KafkaApis.dispatcher(1, cluster, partitions(null, 0), topics,
                () -> CompletableFuture.completedFuture(42L), groups, timer, false);
        org.apache.kafka.common.protocol.Errors none = org.apache.kafka.common.protocol.Errors.NONE;
        assertEquals(Map.of(0, none.code(), 1, org.apache.kafka.common.protocol.Errors.PREFERRED_LEADER_NOT_AVAILABLE.code()),
                codes(elect(d, (byte) 0, false)));
        var unclean = elect(d, (byte) 1, false);
        assertEquals(Map.of(0, org.apache.kafka.common.protocol.Errors.ELECTION_NOT_NEEDED.code(),
                1, org.apache.kafka.common.protocol.Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code()), codes(unclean),
                "partition 0 has a leader, partition 1 none");
        assertEquals(ElectLeadersHandler.UNCLEAN_MESSAGE,
                unclean.replicaElectionResults().get(0).partitionResult().get(1).errorMessage());
        assertEquals(Map.of(1, org.apache.kafka.common.protocol.Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code()),
                codes(elect(d, (byte) 1, true)), "for all partitions, those needing nothing are left out");
    }

    /** The wire bytes of an encoded response: its buffers, and its file regions read through a channel. */
    static byte[] bytes(ResponseEncoder.Encoded out) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        java.nio.channels.WritableByteChannel sink = java.nio.channels.Channels.newChannel(all);
        for (Object part : out.parts()) {
            if (part instanceof ByteBuf b) {
                byte[] chunk = new byte[b.readableBytes()];
                b.getBytes(b.readerIndex(), chunk);
                all.write(chunk);
            } else {
                io.netty.channel.FileRegion r = (io.netty.channel.FileRegion) part;
                for (long done = 0; done < r.count(); ) {
                    done += r.transferTo(sink, done);
                }
            }
        }
        return all.toByteArray();
    }
}
