package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.ClusterView;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiMessage;

/** DescribeCluster: the live brokers on the request's listener, the cluster id and the controller. */
public final class DescribeClusterHandler implements ApiHandler {
    private final ClusterView cluster;

    public DescribeClusterHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DescribeClusterResponseData resp = new DescribeClusterResponseData().setClusterId(cluster.clusterId())
                .setControllerId(cluster.controllerId());
        for (ClusterView.BrokerEndpoint b : cluster.liveBrokers(request.listener())) {
            resp.brokers().add(new DescribeClusterBroker().setBrokerId(b.nodeId()).setHost(b.host()).setPort(b.port())
                    .setRack(b.rack()));
        }
        return CompletableFuture.completedFuture(resp);
    }
}
