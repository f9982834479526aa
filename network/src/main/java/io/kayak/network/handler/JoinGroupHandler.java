package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.GroupService.JoinRequest;
import io.kayak.network.service.GroupService.JoinResult;
import io.kayak.network.service.GroupService.JoinedMember;
import io.kayak.network.service.GroupService.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * JoinGroup: answered when the group's rebalance completes (or at once with an error). Version 0 has no
 * rebalance timeout (the session timeout serves), version 4 introduced MEMBER_ID_REQUIRED for new members,
 * version 5 static membership, version 7 the protocol type in the answer, version 9 skip-assignment.
 */
public final class JoinGroupHandler implements ApiHandler {
    private final GroupService groups;

    public JoinGroupHandler(GroupService groups) {
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        JoinGroupRequestData req = (JoinGroupRequestData) request.body();
        short v = request.version();
        List<Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestData.JoinGroupRequestProtocol p : req.protocols()) {
            protocols.add(new Protocol(p.name(), p.metadata()));
        }
        JoinRequest join = new JoinRequest(req.groupId(), req.memberId(), v >= 5 ? req.groupInstanceId() : null,
                request.header().clientId(), request.clientHost(), req.sessionTimeoutMs(),
                v >= 1 ? req.rebalanceTimeoutMs() : req.sessionTimeoutMs(), req.protocolType(), protocols, v >= 4);
        return groups.join(join).thenApply(r -> response(r, v));
    }

    private static ApiMessage response(JoinResult r, short v) {
        JoinGroupResponseData resp = new JoinGroupResponseData()
                .setErrorCode(KafkaErrors.of(r.error()).code())
                .setGenerationId(r.generation())
                .setProtocolName(r.protocolName() == null && v < 7 ? "" : r.protocolName())
                .setLeader(r.leaderId() == null ? "" : r.leaderId())
                .setMemberId(r.memberId() == null ? "" : r.memberId());
        if (v >= 7) {
            resp.setProtocolType(r.protocolType());
        }
        if (v >= 9) {
            resp.setSkipAssignment(r.skipAssignment());
        }
        for (JoinedMember m : r.members()) {
            JoinGroupResponseData.JoinGroupResponseMember jm = new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId()).setMetadata(m.metadata());
            if (v >= 5) {
                jm.setGroupInstanceId(m.instanceId());
            }
            resp.members().add(jm);
        }
        return resp;
    }
}
