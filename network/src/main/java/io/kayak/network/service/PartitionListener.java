package io.kayak.network.service;

import org.apache.kafka.common.TopicPartition;

/**
 * Told when something a waiting fetch may be waiting for happened to a partition hosted here: its high watermark
 * advanced, or its leader changed (so a fetch parked on this node should answer now). Called on replication
 * threads: implementations hand work off and return at once.
 */
@FunctionalInterface
public interface PartitionListener {
    void partitionChanged(TopicPartition partition);
}
