package io.kayak.metadata.quorum;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.util.TimeDuration;

/**
 * Changes to the metadata quorum's members, from any node: hand leadership to a voter, add a voter once it has
 * caught up, remove a voter unless that leaves no majority of live voters. The membership is Ratis's raft
 * configuration (committed in the metadata log), which from then on overrides {@code controller.quorum.voters}.
 *
 * <p>A node leaves the voters as a non-voting listener, not altogether: every Kayak node is a broker that needs the
 * metadata image, so a removed voter keeps receiving it, and adding it back only promotes it. A new node joins the
 * same way: started outside {@code controller.quorum.voters} it joins as a listener (see {@link MetadataNode}), is
 * replicated to, and {@link #addVoter} promotes it once its log reaches the leader's commit index.
 *
 * <p>Each call makes its own Raft client over the current members (the client of {@link MetadataNode} knows only the
 * configured voters) and blocks until Ratis has committed the new configuration or the call's deadline passes.
 * Callers serialize changes (Ratis refuses a change while another is in progress). Thread-safe.
 */
public final class QuorumMembership {
    /** How long one Ratis admin request may wait for its reply; a configuration change waits for its commit. */
    static final long REQUEST_TIMEOUT_MS = 10_000;
    /** Pause between checks of a joining node's progress. */
    static final long POLL_MS = 100;

    private final MetadataNode node;
    private final RaftServer.Division division;
    private final long liveContactMs;
    private final LongSupplier nanoTime;

    /**
     * @param liveContactMs a voter the leader heard from within this long counts as live
     */
    QuorumMembership(MetadataNode node, RaftServer.Division division, long liveContactMs, LongSupplier nanoTime) {
        this.node = node;
        this.division = division;
        this.liveContactMs = liveContactMs;
        this.nanoTime = nanoTime;
    }

    /** The node ids of the voters in this node's latest configuration, in ascending order. */
    public List<Integer> voters() {
        return ids(division.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER));
    }

    /** The node ids of the non-voting listeners in this node's latest configuration, in ascending order. */
    public List<Integer> listeners() {
        return ids(division.getRaftConf().getCurrentPeers(RaftPeerRole.LISTENER));
    }

    /** Hands leadership to voter {@code target}, which Ratis does once it has caught up; done if it already leads. */
    public void transferLeadership(int target, long timeoutMs) throws IOException {
        requireVoter(target);
        if (node.leaderId() == target) {
            return;
        }
        try (RaftClient client = client()) {
            check(client.admin().transferLeadership(MetadataNode.peerId(target), timeoutMs),
                    "hand metadata leadership to node " + target);
        }
    }

    /**
     * Makes node {@code nodeId}, whose metadata member listens at {@code address}, a voter: adds it as a listener
     * unless it is one, waits until its log holds everything the leader had committed when the wait began, then
     * promotes it.
     */
    public void addVoter(int nodeId, String address, long timeoutMs) throws IOException {
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        if (voters().contains(nodeId)) {
            throw new QuorumChangeRefusedException("node " + nodeId + " is already a voter (voters: " + voters() + ")");
        }
        RaftPeer listener = RaftPeer.newBuilder().setId(MetadataNode.peerId(nodeId)).setAddress(address)
                .setStartupRole(RaftPeerRole.LISTENER).build();
        Optional<RaftPeer> known = peer(nodeId, RaftPeerRole.LISTENER);
        if (known.isPresent() && !known.get().getAddress().equals(address)) {
            throw new QuorumChangeRefusedException("node " + nodeId + " is a listener at " + known.get().getAddress() + ", not "
                    + address + "; give --endpoint " + known.get().getAddress() + " (its kayak.metadata.listener.address)");
        }
        try (RaftClient client = client(listener)) {
            if (known.isEmpty()) {
                check(client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                        .setMode(SetConfigurationRequest.Mode.ADD).setServersInNewConf(List.of())
                        .setListenersInNewConf(List.of(listener)).build()), "add node " + nodeId + " as a listener");
            }
            awaitCaughtUp(client, nodeId, deadline);
            List<RaftPeer> servers = new ArrayList<>(current(RaftPeerRole.FOLLOWER));
            servers.add(RaftPeer.newBuilder().setId(MetadataNode.peerId(nodeId)).setAddress(address).build());
            List<RaftPeer> listeners = new ArrayList<>(current(RaftPeerRole.LISTENER));
            listeners.removeIf(p -> p.getId().equals(MetadataNode.peerId(nodeId)));
            check(client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(servers).setListenersInNewConf(listeners).build()), "make node " + nodeId + " a voter");
        }
    }

    /**
     * Makes voter {@code nodeId} a non-voting listener, if a majority of the voters left is live (the leader heard
     * from them within {@link #liveContactMs}). A leader being removed hands leadership to a live voter first.
     */
    public void removeVoter(int nodeId, long timeoutMs) throws IOException {
        List<Integer> voters = voters();
        requireVoter(nodeId);
        QuorumStatus status = node.status();
        List<Integer> remaining = new ArrayList<>(voters);
        remaining.remove(Integer.valueOf(nodeId));
        List<Integer> live = new ArrayList<>();
        for (QuorumStatus.VoterStatus v : status.voters()) {
            if (remaining.contains(v.nodeId()) && v.lastContactMs() >= 0 && v.lastContactMs() <= liveContactMs) {
                live.add(v.nodeId());
            }
        }
        int majority = remaining.size() / 2 + 1;
        if (remaining.isEmpty() || live.size() < majority) {
            throw new QuorumChangeRefusedException("removing node " + nodeId + " would leave voters " + remaining + " of which "
                    + (live.isEmpty() ? "none is" : live + (live.size() == 1 ? " is" : " are")) + " live; a majority (" + majority
                    + ") must be live for the quorum to commit anything. Start the stopped voters first, or add a voter");
        }
        if (status.leaderId() == nodeId) {
            transferLeadership(live.get(0), timeoutMs);
        }
        Optional<RaftPeer> removed = peer(nodeId, RaftPeerRole.FOLLOWER);
        List<RaftPeer> servers = new ArrayList<>(current(RaftPeerRole.FOLLOWER));
        servers.removeIf(p -> p.getId().equals(MetadataNode.peerId(nodeId)));
        List<RaftPeer> listeners = new ArrayList<>(current(RaftPeerRole.LISTENER));
        removed.ifPresent(p -> listeners.add(RaftPeer.newBuilder().setId(p.getId()).setAddress(p.getAddress())
                .setStartupRole(RaftPeerRole.LISTENER).build()));
        try (RaftClient client = client()) {
            check(client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(servers).setListenersInNewConf(listeners).build()), "remove voter " + nodeId);
        }
    }

    /** Waits until the joining node's log reaches the leader's commit index as of now. */
    private void awaitCaughtUp(RaftClient client, int nodeId, long deadline) throws IOException {
        long target = node.status().commitIndex();
        long reached = -1;
        while (true) {
            try {
                GroupInfoReply info = client.getGroupManagementApi(MetadataNode.peerId(nodeId)).info(MetadataNode.GROUP_ID);
                reached = info.getLogInfoProto().hasLastEntry() ? info.getLogInfoProto().getLastEntry().getIndex() : -1;
            } catch (IOException | RuntimeException e) {
                reached = -1; // not up yet, or still joining
            }
            if (target >= 0 && reached >= target) {
                return;
            }
            if (nanoTime.getAsLong() - deadline > 0) {
                throw new IOException("node " + nodeId + " did not catch up with the metadata log in time: it "
                        + (reached < 0 ? "did not answer" : "reached index " + reached) + ", the leader had committed " + target
                        + ". Is it running, with its kayak.metadata.listener.address as the endpoint given?");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MS));
        }
    }

    private void requireVoter(int nodeId) {
        if (!voters().contains(nodeId)) {
            throw new QuorumChangeRefusedException("node " + nodeId + " is not a voter of the metadata quorum (voters: " + voters()
                    + (listeners().isEmpty() ? "" : ", listeners: " + listeners()) + ")");
        }
    }

    private Optional<RaftPeer> peer(int nodeId, RaftPeerRole role) {
        return Optional.ofNullable(division.getRaftConf().getPeer(MetadataNode.peerId(nodeId), role));
    }

    private Collection<RaftPeer> current(RaftPeerRole role) {
        return division.getRaftConf().getCurrentPeers(role);
    }

    /** A Raft client over every current member (and {@code extra}), retrying redirects to the leader a few times. */
    private RaftClient client(RaftPeer... extra) {
        List<RaftPeer> peers = members(division.getRaftConf());
        for (RaftPeer p : extra) {
            if (peers.stream().noneMatch(q -> q.getId().equals(p.getId()))) {
                peers.add(p);
            }
        }
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        return RaftClient.newBuilder().setRaftGroup(RaftGroup.valueOf(MetadataNode.GROUP_ID, peers)).setProperties(props)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10,
                        TimeDuration.valueOf(MetadataClient.RETRY_SLEEP_MS, TimeUnit.MILLISECONDS)))
                .build();
    }

    /** Every voter and listener of a configuration, current and (during a change) previous, with their addresses. */
    static List<RaftPeer> members(RaftConfiguration conf) {
        List<RaftPeer> peers = new ArrayList<>(conf.getAllPeers(RaftPeerRole.FOLLOWER));
        peers.addAll(conf.getAllPeers(RaftPeerRole.LISTENER));
        return peers;
    }

    private static void check(RaftClientReply reply, String what) throws IOException {
        if (!reply.isSuccess()) {
            throw new IOException("could not " + what + ": " + (reply.getException() == null ? "refused" : reply.getException().getMessage()),
                    reply.getException());
        }
    }

    private static List<Integer> ids(Collection<RaftPeer> peers) {
        return peers.stream().map(p -> Integer.parseInt(p.getId().toString())).sorted().toList();
    }
}
