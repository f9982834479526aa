package io.kayak.metadata.quorum;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metadata quorum's configuration: the one place raft-metadata reads keys. Every key has a default
 * except the voters; docs/OPERATIONS.md lists them.
 *
 * @param nodeId           this node ({@code node.id}); a voter, or a non-voting listener when it is not in the voters
 * @param listenerAddress  host:port of this node's metadata member when it is not a voter
 *                         ({@code kayak.metadata.listener.address}); null for voters
 * @param voters           {@code controller.quorum.voters}
 * @param dir              where Ratis keeps the metadata log and snapshots ({@code kayak.metadata.dir})
 * @param snapshotEntries  take a snapshot (and purge the log behind it) every this many entries
 * @param snapshotBytes    ... or once this many bytes of records were applied since the last snapshot
 * @param electionTimeoutMinMs lower bound of the randomized election timeout
 * @param electionTimeoutMaxMs upper bound of the randomized election timeout
 * @param proposalTimeoutMs    how long {@link MetadataClient#propose} tries before it reports the quorum unavailable
 * @param logSegmentBytes      size at which Ratis rolls a metadata log segment; only whole closed segments
 *                             behind a snapshot are purged
 */
public record MetadataConfig(int nodeId, List<Voter> voters, String listenerAddress, Path dir, long snapshotEntries,
                             long snapshotBytes,
                             long electionTimeoutMinMs,
                             long electionTimeoutMaxMs, long proposalTimeoutMs, long logSegmentBytes) {
    public static final String VOTERS = "controller.quorum.voters";
    public static final String DIR = "kayak.metadata.dir";
    public static final String SNAPSHOT_ENTRIES = "kayak.metadata.snapshot.entries";
    public static final String SNAPSHOT_BYTES = "kayak.metadata.snapshot.bytes";
    public static final String LISTENER_ADDRESS = "kayak.metadata.listener.address";
    public static final String ELECTION_TIMEOUT_MIN_MS = "kayak.metadata.election.timeout.min.ms";
    public static final String ELECTION_TIMEOUT_MAX_MS = "kayak.metadata.election.timeout.max.ms";
    public static final String PROPOSAL_TIMEOUT_MS = "kayak.metadata.proposal.timeout.ms";
    public static final String LOG_SEGMENT_BYTES = "kayak.metadata.log.segment.bytes";
    public static final Set<String> KEYS = Set.of(VOTERS, LISTENER_ADDRESS, DIR, SNAPSHOT_ENTRIES, SNAPSHOT_BYTES, ELECTION_TIMEOUT_MIN_MS,
            ELECTION_TIMEOUT_MAX_MS, PROPOSAL_TIMEOUT_MS, LOG_SEGMENT_BYTES);

    public static final long DEFAULT_SNAPSHOT_ENTRIES = 10_000;
    public static final long DEFAULT_SNAPSHOT_BYTES = 64L << 20;
    public static final long DEFAULT_ELECTION_TIMEOUT_MIN_MS = 500;
    public static final long DEFAULT_ELECTION_TIMEOUT_MAX_MS = 1_000;
    public static final long DEFAULT_PROPOSAL_TIMEOUT_MS = 5_000;
    public static final long DEFAULT_LOG_SEGMENT_BYTES = 8L << 20;
    public static final long MIN_LOG_SEGMENT_BYTES = 8L << 10;

    public MetadataConfig {
        voters = List.copyOf(voters);
        boolean voter = voters.stream().anyMatch(v -> v.nodeId() == nodeId);
        if (voter && listenerAddress != null) {
            throw new IllegalArgumentException(LISTENER_ADDRESS + " is for nodes outside " + VOTERS + "; node " + nodeId
                    + " is a voter and listens on its voter address");
        }
        if (!voter && listenerAddress == null) {
            throw new IllegalArgumentException("node " + nodeId + " is not in " + VOTERS + ", so it joins as a non-voting"
                    + " member and needs " + LISTENER_ADDRESS + " (host:port for its metadata member)");
        }
        if (!voter) {
            Voter.parseList(nodeId + "@" + listenerAddress); // validates host:port
        }
        if (snapshotEntries < 1) {
            throw new IllegalArgumentException(SNAPSHOT_ENTRIES + " must be at least 1");
        }
        if (snapshotBytes < 1) {
            throw new IllegalArgumentException(SNAPSHOT_BYTES + " must be at least 1");
        }
        if (electionTimeoutMinMs < 50 || electionTimeoutMaxMs <= electionTimeoutMinMs) {
            throw new IllegalArgumentException(ELECTION_TIMEOUT_MIN_MS + " must be at least 50 and below "
                    + ELECTION_TIMEOUT_MAX_MS);
        }
        if (proposalTimeoutMs < 1) {
            throw new IllegalArgumentException(PROPOSAL_TIMEOUT_MS + " must be positive");
        }
        if (logSegmentBytes < MIN_LOG_SEGMENT_BYTES) {
            throw new IllegalArgumentException(LOG_SEGMENT_BYTES + " must be at least " + MIN_LOG_SEGMENT_BYTES);
        }
    }

    /** Reads the keys of this module; {@code defaultDir} applies when {@value #DIR} is absent. */
    public static MetadataConfig from(int nodeId, Map<String, String> props, Path defaultDir) {
        return new MetadataConfig(nodeId, Voter.parseList(props.get(VOTERS)), props.get(LISTENER_ADDRESS),
                props.containsKey(DIR) ? Path.of(props.get(DIR)) : defaultDir,
                longValue(props, SNAPSHOT_ENTRIES, DEFAULT_SNAPSHOT_ENTRIES),
                longValue(props, SNAPSHOT_BYTES, DEFAULT_SNAPSHOT_BYTES),
                longValue(props, ELECTION_TIMEOUT_MIN_MS, DEFAULT_ELECTION_TIMEOUT_MIN_MS),
                longValue(props, ELECTION_TIMEOUT_MAX_MS, DEFAULT_ELECTION_TIMEOUT_MAX_MS),
                longValue(props, PROPOSAL_TIMEOUT_MS, DEFAULT_PROPOSAL_TIMEOUT_MS),
                longValue(props, LOG_SEGMENT_BYTES, DEFAULT_LOG_SEGMENT_BYTES));
    }

    /** This node's metadata member address: its voter entry, or its listener address. */
    public Voter self() {
        return voters.stream().filter(v -> v.nodeId() == nodeId).findFirst()
                .orElseGet(() -> Voter.parseList(nodeId + "@" + listenerAddress).get(0));
    }

    public boolean isVoter() {
        return voters.stream().anyMatch(v -> v.nodeId() == nodeId);
    }

    private static long longValue(Map<String, String> props, String key, long defaultValue) {
        String raw = props.get(key);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer; got '" + raw + "'", e);
        }
    }
}
