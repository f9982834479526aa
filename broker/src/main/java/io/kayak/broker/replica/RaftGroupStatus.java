package io.kayak.broker.replica;

import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * One partition's Raft group as this node's division sees it, for {@code kayak-admin.sh partitions describe}: the
 * role, leader and term; the commit, applied and last log index; and, on the leader only, per follower its match
 * and next index, its lag (the leader's last log index minus the match index, never negative) and the time since
 * the leader last heard from it. Raft indexes are not Kafka offsets. An immutable snapshot, taken without locks, so
 * its fields may be from slightly different moments.
 *
 * @param leaderId  -1 while no leader is known
 * @param followers empty unless {@code role} is {@code LEADER}
 */
public record RaftGroupStatus(int nodeId, String role, int leaderId, long term, long commitIndex, long appliedIndex,
                              long lastLogIndex, List<FollowerStatus> followers) {

    /** A follower of the group as its leader tracks it; a non-voting member (listener) shows as a follower too. */
    public record FollowerStatus(int nodeId, long matchIndex, long nextIndex, long lag, long lastContactMs) {
    }

    public RaftGroupStatus {
        followers = List.copyOf(followers);
    }

    static RaftGroupStatus of(int nodeId, RaftServer.Division division) {
        DivisionInfo info = division.getInfo();
        RaftLog log = division.getRaftLog();
        TermIndex last = log.getLastEntryTermIndex();
        long lastIndex = last == null ? -1 : last.getIndex();
        List<FollowerStatus> followers = info.isLeader() ? followers(info, lastIndex) : List.of();
        return new RaftGroupStatus(nodeId, info.getCurrentRole().name(), leader(info.getLeaderId()), info.getCurrentTerm(),
                log.getLastCommittedIndex(), info.getLastAppliedIndex(), lastIndex, followers);
    }

    private static int leader(RaftPeerId id) {
        return PartitionGroups.nodeId(id);
    }

    /**
     * Ratis reports followers' indexes as arrays in the order of its log appenders, the same order as the role
     * info's follower list; if membership changed between the two reads the lengths differ and indexes are -1.
     */
    private static List<FollowerStatus> followers(DivisionInfo info, long leaderLastIndex) {
        RoleInfoProto role = info.getRoleInfoProto();
        if (!role.hasLeaderInfo()) {
            return List.of();
        }
        List<ServerRpcProto> rpcs = role.getLeaderInfo().getFollowerInfoList();
        long[] match = info.getFollowerMatchIndices();
        long[] next = info.getFollowerNextIndices();
        boolean aligned = match.length == rpcs.size() && next.length == rpcs.size();
        List<FollowerStatus> out = new ArrayList<>(rpcs.size());
        for (int i = 0; i < rpcs.size(); i++) {
            ServerRpcProto f = rpcs.get(i);
            long m = aligned ? match[i] : -1;
            out.add(new FollowerStatus(PartitionGroups.nodeId(RaftPeerId.valueOf(f.getId().getId())), m,
                    aligned ? next[i] : -1, m < 0 ? -1 : Math.max(0, leaderLastIndex - m), f.getLastRpcElapsedTimeMs()));
        }
        out.sort(java.util.Comparator.comparingInt(FollowerStatus::nodeId));
        return out;
    }
}
