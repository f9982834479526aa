package io.kayak.loadtest;

import java.nio.file.Path;
import java.util.List;

/**
 * A three-node cluster of one system under test, started as separate processes on loopback. Closing it stops
 * every process it started (by PID) and deletes nothing the caller did not give it.
 */
interface BrokerCluster extends AutoCloseable {
    /** "kayak" or "kafka": the column the report puts its figures in. */
    String system();

    /** {@code bootstrap.servers} for the clients. */
    String bootstrap();

    /** The broker processes, for CPU, disk and memory figures. */
    List<Long> pids();

    /** The process of node {@code nodeId} (1-3), for kill -9. */
    long pid(int nodeId);

    /** How acknowledged records are made durable, stated next to the figures. */
    String durability();

    /** The directories holding the brokers' data (not their logs), deleted by the harness once the cluster stopped. */
    List<Path> dataDirs();

    @Override
    void close();
}
