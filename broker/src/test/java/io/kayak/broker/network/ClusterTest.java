package io.kayak.broker.network;

import io.kayak.broker.replica.ReplicatedCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** A test against three in-process nodes in a temp dir; the cluster, if started, is closed after each test. */
abstract class ClusterTest {
    @TempDir
    Path tmp;
    ReplicatedCluster cluster;

    @AfterEach
    void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
