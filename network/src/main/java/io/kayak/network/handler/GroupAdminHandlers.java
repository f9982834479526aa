package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.GroupService.GroupDescription;
import io.kayak.network.service.GroupService.GroupOverview;
import io.kayak.network.service.GroupService.MemberDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The group administration APIs: ListGroups (the groups this node coordinates, with the state and type filters
 * of versions 4 and 5), DescribeGroups, DeleteGroups (empty groups only) and OffsetDelete (not for topics the
 * group's members subscribe to).
 */
public final class GroupAdminHandlers {
    private static final String CLASSIC = "classic";

    private GroupAdminHandlers() {
    }

    public static ApiHandler listGroups(GroupService groups) {
        return request -> {
            ListGroupsRequestData req = (ListGroupsRequestData) request.body();
            short v = request.version();
            ListGroupsResponseData resp = new ListGroupsResponseData();
            for (GroupOverview g : groups.listGroups()) {
                boolean stateOk = v < 4 || req.statesFilter().isEmpty()
                        || req.statesFilter().stream().anyMatch(s -> s.equalsIgnoreCase(g.state()));
                boolean typeOk = v < 5 || req.typesFilter().isEmpty()
                        || req.typesFilter().stream().anyMatch(t -> t.equalsIgnoreCase(CLASSIC));
                if (!stateOk || !typeOk) {
                    continue;
                }
                ListGroupsResponseData.ListedGroup lg = new ListGroupsResponseData.ListedGroup().setGroupId(g.groupId())
                        .setProtocolType(g.protocolType());
                if (v >= 4) {
                    lg.setGroupState(g.state());
                }
                if (v >= 5) {
                    lg.setGroupType(CLASSIC);
                }
                resp.groups().add(lg);
            }
            return CompletableFuture.completedFuture(resp);
        };
    }

    public static ApiHandler describeGroups(GroupService groups) {
        return request -> {
            DescribeGroupsRequestData req = (DescribeGroupsRequestData) request.body();
            short v = request.version();
            DescribeGroupsResponseData resp = new DescribeGroupsResponseData();
            for (String id : req.groups()) {
                GroupDescription d = groups.describe(id);
                DescribeGroupsResponseData.DescribedGroup g = new DescribeGroupsResponseData.DescribedGroup()
                        .setGroupId(id).setErrorCode(KafkaErrors.of(d.error()).code()).setGroupState(d.state())
                        .setProtocolType(d.protocolType()).setProtocolData(d.protocol());
                for (MemberDescription m : d.members()) {
                    DescribeGroupsResponseData.DescribedGroupMember dm = new DescribeGroupsResponseData.DescribedGroupMember()
                            .setMemberId(m.memberId()).setClientId(m.clientId() == null ? "" : m.clientId())
                            .setClientHost(m.clientHost() == null ? "" : m.clientHost())
                            .setMemberMetadata(m.metadata()).setMemberAssignment(m.assignment());
                    if (v >= 4) {
                        dm.setGroupInstanceId(m.instanceId());
                    }
                    g.members().add(dm);
                }
                resp.groups().add(g);
            }
            return CompletableFuture.completedFuture(resp);
        };
    }

    public static ApiHandler deleteGroups(GroupService groups) {
        return request -> {
            DeleteGroupsRequestData req = (DeleteGroupsRequestData) request.body();
            Map<String, CompletableFuture<GroupError>> pending = new LinkedHashMap<>();
            for (String id : req.groupsNames()) {
                pending.put(id, groups.delete(id));
            }
            return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).thenApply(x -> {
                DeleteGroupsResponseData resp = new DeleteGroupsResponseData();
                pending.forEach((id, f) -> resp.results().add(new DeleteGroupsResponseData.DeletableGroupResult()
                        .setGroupId(id).setErrorCode(KafkaErrors.of(f.join()).code())));
                return (ApiMessage) resp;
            });
        };
    }

    public static ApiHandler offsetDelete(GroupService groups) {
        return request -> {
            OffsetDeleteRequestData req = (OffsetDeleteRequestData) request.body();
            List<TopicPartition> partitions = new ArrayList<>();
            req.topics().forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(),
                    p.partitionIndex()))));
            return groups.deleteOffsets(req.groupId(), partitions).thenApply(r -> {
                OffsetDeleteResponseData resp = new OffsetDeleteResponseData().setErrorCode(KafkaErrors.of(r.error()).code());
                r.partitions().forEach((tp, e) -> {
                    OffsetDeleteResponseData.OffsetDeleteResponseTopic t = resp.topics().find(tp.topic());
                    if (t == null) {
                        t = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(tp.topic());
                        resp.topics().add(t);
                    }
                    t.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                            .setPartitionIndex(tp.partition()).setErrorCode(KafkaErrors.of(e).code()));
                });
                return (ApiMessage) resp;
            });
        };
    }
}
