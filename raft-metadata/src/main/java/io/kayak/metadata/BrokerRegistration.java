package io.kayak.metadata;

import java.util.List;
import java.util.UUID;

/**
 * A registered broker as the image holds it.
 *
 * @param leaseExpiryMs the broker is alive until this time unless it heartbeats again
 * @param fenced        fenced brokers get no new replicas and lead no partitions until they heartbeat again
 */
public record BrokerRegistration(int nodeId, UUID incarnationId, List<Endpoint> endpoints, String rack,
                                 long leaseExpiryMs, boolean fenced) {
    public BrokerRegistration {
        endpoints = List.copyOf(endpoints);
    }

    BrokerRegistration withLease(long expiryMs, boolean nowFenced) {
        return new BrokerRegistration(nodeId, incarnationId, endpoints, rack, expiryMs, nowFenced);
    }
}
