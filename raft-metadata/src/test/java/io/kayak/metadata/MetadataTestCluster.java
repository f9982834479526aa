package io.kayak.metadata;

import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.metadata.quorum.MetadataConfig;
import io.kayak.metadata.quorum.MetadataNode;
import io.kayak.metadata.quorum.Voter;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Three real metadata voters in this JVM: real Ratis over gRPC on loopback (ephemeral ports), real temp
 * dirs. Nodes can be stopped and restarted on the same port and dir. Close stops every node.
 */
public final class MetadataTestCluster implements AutoCloseable {
    private final Path root;
    private final List<Voter> voters = new ArrayList<>();
    private final Map<Integer, MetadataNode> running = new TreeMap<>();
    private final long snapshotEntries;
    private long snapshotBytes;

    public MetadataTestCluster(Path root, int size, long snapshotEntries) throws IOException {
        this(root, size, snapshotEntries, MetadataConfig.DEFAULT_SNAPSHOT_BYTES);
    }

    public MetadataTestCluster(Path root, int size, long snapshotEntries, long snapshotBytes) throws IOException {
        this.root = root;
        this.snapshotEntries = snapshotEntries;
        this.snapshotBytes = snapshotBytes;
        for (int id = 1; id <= size; id++) {
            voters.add(new Voter(id, "127.0.0.1", freePort()));
        }
        for (Voter v : voters) {
            start(v.nodeId());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public MetadataConfig config(int id) {
        return new MetadataConfig(id, voters, null, root.resolve("node-" + id), snapshotEntries, snapshotBytes,
                MetadataConfig.DEFAULT_ELECTION_TIMEOUT_MIN_MS, MetadataConfig.DEFAULT_ELECTION_TIMEOUT_MAX_MS, 10_000,
                MetadataConfig.MIN_LOG_SEGMENT_BYTES);
    }

    /** Starts node {@code id}, which is not a voter, as a non-voting listener on a free port. */
    public MetadataNode startListener(int id) throws IOException {
        MetadataConfig voter = config(1);
        MetadataNode node = MetadataNode.start(new MetadataConfig(id, voters, "127.0.0.1:" + freePort(),
                root.resolve("node-" + id), voter.snapshotEntries(), voter.snapshotBytes(), voter.electionTimeoutMinMs(),
                voter.electionTimeoutMaxMs(), voter.proposalTimeoutMs(), voter.logSegmentBytes()));
        running.put(id, node);
        return node;
    }

    public MetadataNode start(int id) throws IOException {
        MetadataNode node = MetadataNode.start(config(id));
        running.put(id, node);
        return node;
    }

    public void stop(int id) throws IOException {
        MetadataNode node = running.remove(id);
        if (node != null) {
            node.close();
        }
    }

    public MetadataNode node(int id) {
        return running.get(id);
    }

    public List<MetadataNode> nodes() {
        return new ArrayList<>(running.values());
    }

    /** Waits until the running nodes agree on a leader among them and returns it. */
    public MetadataNode awaitLeader() {
        MetadataNode[] found = new MetadataNode[1];
        await("a leader among " + running.keySet(), () -> {
            for (MetadataNode n : running.values()) {
                try {
                    if (n.isLeader()) {
                        found[0] = n;
                        return true;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
            return false;
        });
        return found[0];
    }

    /** Waits until every running node has applied at least {@code index}. */
    public void awaitApplied(long index) {
        await("every node to apply index " + index, () -> running.values().stream()
                .allMatch(n -> n.image().appliedIndex() >= index));
    }

    public static void await(String what, BooleanSupplier condition) {
        await(what, 30, condition);
    }

    public static void await(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Integer id : new ArrayList<>(running.keySet())) {
            try {
                stop(id);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    public static Map<String, String> none() {
        return Map.of();
    }
}
