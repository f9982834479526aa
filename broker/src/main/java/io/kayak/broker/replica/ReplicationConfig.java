package io.kayak.broker.replica;

import io.kayak.broker.config.KayakConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * How this node replicates its partitions: the one place the {@code kayak.replication.*} keys and Kafka's
 * {@code replica.lag.time.max.ms} are read. docs/OPERATIONS.md lists them.
 *
 * @param host                 where the partition Raft server listens ({@code kayak.replication.listener} host)
 * @param port                 its port; every node's is published in the metadata with its registration
 * @param dir                  where Ratis keeps the partition groups' Raft logs ({@code kayak.replication.dir})
 * @param electionTimeoutMinMs lower bound of a partition group's randomized election timeout; heartbeats go
 *                             every half of it, so it trades fail-over time against idle traffic
 * @param electionTimeoutMaxMs upper bound of the election timeout
 * @param snapshotEntries      a partition flushes its log, records its state and lets Ratis purge the Raft log
 *                             behind it every this many entries
 * @param replicaLagTimeMaxMs  a follower stays in the ISR while it caught up with the leader within this time
 * @param isrCheckIntervalMs   how often a leader recomputes its ISR and publishes changes
 * @param autoLeaderRebalance  Kafka's {@code auto.leader.rebalance.enable}: a leader hands leadership back to the
 *                             partition's preferred replica once that one is caught up
 * @param leaderImbalanceCheckIntervalMs Kafka's {@code leader.imbalance.check.interval.seconds}: the preferred
 *                             replica must have been in the ISR this long, and attempts are this far apart
 * @param fsync                {@code kayak.replication.fsync}: whether a replica fsyncs an entry (its batch in the
 *                             partition log and its header in the Raft log) before counting it written. Off, an
 *                             acknowledged batch is in the page cache of a majority, like Apache Kafka's default:
 *                             it survives a killed process, not a power loss of a majority
 * @param quiesceMs            {@code kayak.replication.quiesce.ms}: a partition that took no write for this long,
 *                             with every replica caught up, stops its Raft group on every replica until the next
 *                             write (0: never). An idle group otherwise costs each node threads, timers and
 *                             heartbeats; a quiesced one costs nothing but its open log
 * @param peerProbeIntervalMs  {@code kayak.replication.peer.probe.interval.ms}: how often the node checks that each
 *                             peer's partition Raft server accepts connections; when one stops, the partitions it
 *                             led elect a new leader at once instead of after their election timeout (0: never)
 * @param coalesceAppends      {@code kayak.replication.append.coalesce}: while an entry of a partition is being
 *                             replicated, the produce requests that arrive for it wait and share its next entry
 *                             (group commit; {@link AppendQueue}). Off, every request is an entry of its own
 * @param appendLingerUs       {@code kayak.replication.append.linger.us}: with group commit, how long a partition
 *                             whose clients keep several requests outstanding waits, once an entry is answered, for
 *                             the requests that replace the answered ones, so that its next entry carries them too
 *                             ({@link AppendQueue}; 0: never wait)
 * @param firstLeaderPreferred {@code kayak.replication.first.leader.preferred}: a new partition's first leader is
 *                             its preferred replica, as in Kafka: another replica that wins the partition's first
 *                             election hands leadership to the preferred one before any leader is published, and
 *                             publishes itself only if that fails. Off, the first election's winner leads until
 *                             {@code auto.leader.rebalance.enable} moves it
 */
public record ReplicationConfig(String host, int port, Path dir, long electionTimeoutMinMs, long electionTimeoutMaxMs,
                                long snapshotEntries, long replicaLagTimeMaxMs, long isrCheckIntervalMs,
                                boolean autoLeaderRebalance, long leaderImbalanceCheckIntervalMs, boolean fsync,
                                long quiesceMs, long peerProbeIntervalMs, boolean coalesceAppends,
                                long appendLingerUs, boolean firstLeaderPreferred) {
    public static final String LISTENER = "kayak.replication.listener";
    public static final String DIR = "kayak.replication.dir";
    public static final String ELECTION_TIMEOUT_MIN_MS = "kayak.replication.election.timeout.min.ms";
    public static final String ELECTION_TIMEOUT_MAX_MS = "kayak.replication.election.timeout.max.ms";
    public static final String SNAPSHOT_ENTRIES = "kayak.replication.snapshot.entries";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String ISR_CHECK_INTERVAL_MS = "kayak.replication.isr.check.interval.ms";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = "leader.imbalance.check.interval.seconds";
    public static final String FSYNC = "kayak.replication.fsync";
    public static final String QUIESCE_MS = "kayak.replication.quiesce.ms";
    public static final String PEER_PROBE_INTERVAL_MS = "kayak.replication.peer.probe.interval.ms";
    public static final String APPEND_COALESCE = "kayak.replication.append.coalesce";
    public static final String APPEND_LINGER_US = "kayak.replication.append.linger.us";
    public static final String FIRST_LEADER_PREFERRED = "kayak.replication.first.leader.preferred";
    public static final Set<String> KEYS = Set.of(LISTENER, DIR, ELECTION_TIMEOUT_MIN_MS, ELECTION_TIMEOUT_MAX_MS,
            SNAPSHOT_ENTRIES, REPLICA_LAG_TIME_MAX_MS, ISR_CHECK_INTERVAL_MS, AUTO_LEADER_REBALANCE_ENABLE,
            LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, FSYNC, QUIESCE_MS, PEER_PROBE_INTERVAL_MS, APPEND_COALESCE,
            APPEND_LINGER_US, FIRST_LEADER_PREFERRED);

    public static final int DEFAULT_PORT = 9393;
    public static final long DEFAULT_ELECTION_TIMEOUT_MIN_MS = 3_000;
    public static final long DEFAULT_ELECTION_TIMEOUT_MAX_MS = 6_000;
    public static final long DEFAULT_SNAPSHOT_ENTRIES = 10_000;
    public static final long DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30_000;
    public static final long DEFAULT_ISR_CHECK_INTERVAL_MS = 500;
    public static final long DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = 300;
    public static final long DEFAULT_QUIESCE_MS = 60_000;
    public static final long DEFAULT_PEER_PROBE_INTERVAL_MS = 100;
    public static final long DEFAULT_APPEND_LINGER_US = 3_000;
    /** A linger longer than this would hold entries longer than a round takes; refused as a likely unit mistake. */
    public static final long APPEND_LINGER_US_MAX = 100_000;
    /** The subdirectory of the first log dir that holds the partition Raft logs unless {@link #DIR} says otherwise. */
    public static final String DEFAULT_SUBDIR = ".kayak-replication";

    public ReplicationConfig {
        if (electionTimeoutMinMs <= 0 || electionTimeoutMaxMs <= electionTimeoutMinMs) {
            throw new IllegalArgumentException(ELECTION_TIMEOUT_MAX_MS + "=" + electionTimeoutMaxMs + " must exceed "
                    + ELECTION_TIMEOUT_MIN_MS + "=" + electionTimeoutMinMs + ", which must be positive");
        }
        if (replicaLagTimeMaxMs <= electionTimeoutMinMs / 2) {
            throw new IllegalArgumentException(REPLICA_LAG_TIME_MAX_MS + "=" + replicaLagTimeMaxMs + " must exceed the"
                    + " heartbeat interval (half of " + ELECTION_TIMEOUT_MIN_MS + "=" + electionTimeoutMinMs
                    + "), or idle followers would drop out of the ISR");
        }
    }

    /**
     * Reads the keys; relative {@link #DIR} values are already resolved by the caller.
     *
     * @param defaultHost the host of the node's first listener
     * @param defaultDir  where the Raft logs go when {@link #DIR} is not set
     */
    public static ReplicationConfig from(Map<String, String> props, String defaultHost, Path defaultDir) {
        String host = defaultHost;
        int port = DEFAULT_PORT;
        String listener = props.get(LISTENER);
        if (listener != null) {
            int colon = listener.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(LISTENER + " must be host:port; got '" + listener + "'");
            }
            host = listener.substring(0, colon).trim();
            port = (int) KayakConfig.longValue(Map.of(LISTENER, listener.substring(colon + 1)), LISTENER, 0, 1, 65_535);
        }
        Path dir = props.containsKey(DIR) ? Path.of(props.get(DIR)) : defaultDir;
        return new ReplicationConfig(host, port, dir,
                value(props, ELECTION_TIMEOUT_MIN_MS, DEFAULT_ELECTION_TIMEOUT_MIN_MS, 50),
                value(props, ELECTION_TIMEOUT_MAX_MS, DEFAULT_ELECTION_TIMEOUT_MAX_MS, 100),
                value(props, SNAPSHOT_ENTRIES, DEFAULT_SNAPSHOT_ENTRIES, 10),
                value(props, REPLICA_LAG_TIME_MAX_MS, DEFAULT_REPLICA_LAG_TIME_MAX_MS, 10),
                value(props, ISR_CHECK_INTERVAL_MS, DEFAULT_ISR_CHECK_INTERVAL_MS, 10),
                bool(props, AUTO_LEADER_REBALANCE_ENABLE, true),
                value(props, LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS, 1) * 1000,
                bool(props, FSYNC, true),
                value(props, QUIESCE_MS, DEFAULT_QUIESCE_MS, 0),
                value(props, PEER_PROBE_INTERVAL_MS, DEFAULT_PEER_PROBE_INTERVAL_MS, 0),
                bool(props, APPEND_COALESCE, true),
                KayakConfig.longValue(props, APPEND_LINGER_US, DEFAULT_APPEND_LINGER_US, 0, APPEND_LINGER_US_MAX),
                bool(props, FIRST_LEADER_PREFERRED, true));
    }

    private static boolean bool(Map<String, String> props, String key, boolean def) {
        String v = props.get(key);
        if (v == null) {
            return def;
        }
        if (!v.trim().equalsIgnoreCase("true") && !v.trim().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false; got '" + v + "'");
        }
        return Boolean.parseBoolean(v.trim());
    }

    private static long value(Map<String, String> props, String key, long def, long min) {
        return KayakConfig.longValue(props, key, def, min, Long.MAX_VALUE);
    }

    public String address() {
        return host + ":" + port;
    }
}
