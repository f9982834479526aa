package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.GroupService;
import io.kayak.network.service.GroupService.SyncRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/** SyncGroup: the leader hands in the assignment; every member gets its own share once the leader has. */
public final class SyncGroupHandler implements ApiHandler {
    private final GroupService groups;

    public SyncGroupHandler(GroupService groups) {
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        SyncGroupRequestData req = (SyncGroupRequestData) request.body();
        short v = request.version();
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestData.SyncGroupRequestAssignment a : req.assignments()) {
            assignments.put(a.memberId(), a.assignment());
        }
        SyncRequest sync = new SyncRequest(req.groupId(), req.generationId(), req.memberId(),
                v >= 3 ? req.groupInstanceId() : null, v >= 5 ? req.protocolType() : null,
                v >= 5 ? req.protocolName() : null, assignments);
        return groups.sync(sync).thenApply(r -> {
            SyncGroupResponseData resp = new SyncGroupResponseData().setErrorCode(KafkaErrors.of(r.error()).code())
                    .setAssignment(r.assignment());
            if (v >= 5) {
                resp.setProtocolType(r.protocolType()).setProtocolName(r.protocolName());
            }
            return resp;
        });
    }
}
