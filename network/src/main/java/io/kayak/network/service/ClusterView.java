package io.kayak.network.service;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster as this node currently knows it, for Metadata and DescribeCluster: live brokers with their
 * advertised endpoints, topics with their partitions' leaders, epochs, replicas and ISRs. Implemented by the
 * broker over its local metadata image; each call reads one consistent image.
 */
public interface ClusterView {
    String clusterId();

    /** The node that currently leads the metadata quorum, or -1. */
    int controllerId();

    /** Unfenced brokers that advertise an endpoint on {@code listener}, by node id. */
    List<BrokerEndpoint> liveBrokers(String listener);

    /** Every topic, by name. */
    List<TopicView> topics();

    Optional<TopicView> topic(String name);

    /** A broker's endpoint on one listener. */
    record BrokerEndpoint(int nodeId, String host, int port, String rack) {
    }

    /** A topic and its partitions, in partition order. */
    record TopicView(String name, UUID topicId, List<PartitionView> partitions) {
    }

    /**
     * One partition: leader -1 while none is published; offline replicas are assigned replicas whose broker is
     * fenced or unregistered.
     */
    record PartitionView(int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
                         List<Integer> offlineReplicas) {
    }
}
