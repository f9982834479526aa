package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.ClusterView;
import io.kayak.network.service.ClusterView.BrokerEndpoint;
import io.kayak.network.service.GroupService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * FindCoordinator for consumer groups: the node {@link GroupService#coordinator} names, with its endpoint on the
 * listener the request came in on. One key before version 4, a batch of keys from 4. Transaction coordinators
 * do not exist (Kayak has no transactions): INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler {
    private static final byte GROUP_KEY = 0;

    private final GroupService groups;
    private final ClusterView cluster;

    public FindCoordinatorHandler(GroupService groups, ClusterView cluster) {
        this.groups = groups;
        this.cluster = cluster;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        FindCoordinatorRequestData req = (FindCoordinatorRequestData) request.body();
        FindCoordinatorResponseData resp = new FindCoordinatorResponseData();
        if (request.version() < 4) {
            FindCoordinatorResponseData.Coordinator c = find(req.key(), req.keyType(), request.listener());
            resp.setErrorCode(c.errorCode()).setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
            if (request.version() >= 1) {
                resp.setErrorMessage(c.errorMessage());
            }
        } else {
            for (String key : req.coordinatorKeys()) {
                resp.coordinators().add(find(key, req.keyType(), request.listener()));
            }
        }
        return CompletableFuture.completedFuture(resp);
    }

    private FindCoordinatorResponseData.Coordinator find(String key, byte keyType, String listener) {
        FindCoordinatorResponseData.Coordinator c = new FindCoordinatorResponseData.Coordinator().setKey(key)
                .setNodeId(-1).setHost("").setPort(-1);
        if (keyType != GROUP_KEY) {
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Kayak has no transaction coordinator");
        }
        if (key == null || key.isEmpty()) {
            return c.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage("a group id cannot be empty");
        }
        int node = groups.coordinator(key);
        List<BrokerEndpoint> live = cluster.liveBrokers(listener);
        for (BrokerEndpoint b : live) {
            if (b.nodeId() == node) {
                return c.setErrorCode(Errors.NONE.code()).setErrorMessage(null).setNodeId(node).setHost(b.host())
                        .setPort(b.port());
            }
        }
        return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                .setErrorMessage("no live broker coordinates group " + key + " yet");
    }
}
