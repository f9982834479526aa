package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.GroupService.LeaveResult;
import io.kayak.network.service.GroupService.MemberRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;

/** Heartbeat and LeaveGroup (one member before version 3, a batch of members, by id or instance id, from 3). */
public final class GroupMembershipHandlers {
    private GroupMembershipHandlers() {
    }

    public static ApiHandler heartbeat(GroupService groups) {
        return request -> {
            HeartbeatRequestData req = (HeartbeatRequestData) request.body();
            GroupError e = groups.heartbeat(req.groupId(), req.memberId(),
                    request.version() >= 3 ? req.groupInstanceId() : null, req.generationId());
            return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(KafkaErrors.of(e).code()));
        };
    }

    public static ApiHandler leave(GroupService groups) {
        return request -> {
            LeaveGroupRequestData req = (LeaveGroupRequestData) request.body();
            boolean batched = request.version() >= 3;
            List<MemberRef> refs = new ArrayList<>();
            if (batched) {
                req.members().forEach(m -> refs.add(new MemberRef(m.memberId(), m.groupInstanceId())));
            } else {
                refs.add(new MemberRef(req.memberId(), null));
            }
            LeaveResult r = groups.leave(req.groupId(), refs);
            LeaveGroupResponseData resp = new LeaveGroupResponseData();
            if (!batched) {
                GroupError e = r.error() != GroupError.NONE ? r.error() : r.members().get(0);
                return CompletableFuture.completedFuture(resp.setErrorCode(KafkaErrors.of(e).code()));
            }
            resp.setErrorCode(KafkaErrors.of(r.error()).code());
            for (int i = 0; i < refs.size(); i++) {
                resp.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(refs.get(i).memberId())
                        .setGroupInstanceId(refs.get(i).instanceId())
                        .setErrorCode(KafkaErrors.of(r.members().get(i)).code()));
            }
            return CompletableFuture.completedFuture(resp);
        };
    }
}
