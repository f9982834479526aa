package io.kayak.metadata.quorum;

import java.util.List;

/**
 * The quorum as its leader sees it, for {@code quorum describe}: like kafka-metadata-quorum's
 * describe --status and --replication in one view. The members are those of the latest Raft configuration: the
 * voters (role {@code leader} or {@code follower}), then the non-voting listeners (role {@code listener}).
 *
 * @param leaderId -1 when no leader is known
 */
public record QuorumStatus(int leaderId, long term, long commitIndex, long appliedIndex, List<VoterStatus> voters) {

    /**
     * One voter's replication state.
     *
     * @param lastLogIndex    the index of the last entry in this voter's log, as the voter reports it; -1 unreachable
     * @param lag             the leader's last log index minus this voter's, never negative; -1 unreachable
     * @param lastContactMs   milliseconds since the leader last heard from it (0 for the leader); -1 unknown
     */
    public record VoterStatus(int nodeId, String role, long lastLogIndex, long lag, long lastContactMs) {
    }
}
