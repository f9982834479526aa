package io.kayak.metadata.quorum;

import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataListener;
import io.kayak.metadata.statemachine.MetadataStateMachine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * This node's member of the metadata quorum: a Ratis server in the one metadata group over the voters of
 * {@code controller.quorum.voters}, the {@link MetadataStateMachine} it drives, and a {@link MetadataClient}
 * to propose from here.
 *
 * <p>Lifecycle: {@link #start} builds and starts the server (recovering what the metadata dir holds);
 * {@link #close} closes the client, then the server. Thread-safe.
 */
public final class MetadataNode implements AutoCloseable {
    /** The metadata group's id: the same on every node of every Kayak cluster (a node is in one cluster). */
    public static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("kayak-metadata".getBytes(StandardCharsets.UTF_8)));

    private static final long APPEND_BATCH_BYTES = 256L << 10;
    /**
     * How far ahead Ratis extends its log file, with writes of this size: one page. A larger extension is
     * cached by Linux as one large folio, and every fsync after a small append then writes the whole folio back.
     */
    private static final long PREALLOCATE_BYTES = 4096;

    private final MetadataConfig config;
    private final RaftGroup group;
    private final MetadataStateMachine stateMachine;
    private final RaftServer server;
    private final MetadataClient client;
    /** For status queries: one attempt each, so an unreachable voter costs one timeout, not a retry loop. */
    private final org.apache.ratis.client.RaftClient adminClient;
    private static final long ADMIN_REQUEST_TIMEOUT_MS = 1_000;
    private final java.util.concurrent.ExecutorService snapshotRequests = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kayak-metadata-snapshot-request");
        t.setDaemon(true);
        return t;
    });

    /** A voter the leader heard from within this many election timeouts counts as live for {@link QuorumMembership}. */
    private static final int LIVE_CONTACT_ELECTION_TIMEOUTS = 3;
    private final QuorumMembership membership;
    /** A follower silent this many election timeouts gets a fresh connection from the leader ({@link FollowerChannels}). */
    private static final int SILENT_FOLLOWER_ELECTION_TIMEOUTS = 5;
    private final FollowerChannels followerChannels;

    private MetadataNode(MetadataConfig config, RaftGroup group, MetadataStateMachine stateMachine, RaftServer server)
            throws IOException {
        this.config = config;
        this.group = group;
        this.stateMachine = stateMachine;
        this.server = server;
        this.client = new MetadataClient(group, config.proposalTimeoutMs());
        RaftProperties adminProps = new RaftProperties();
        org.apache.ratis.client.RaftClientConfigKeys.Rpc.setRequestTimeout(adminProps, ms(ADMIN_REQUEST_TIMEOUT_MS));
        this.adminClient = org.apache.ratis.client.RaftClient.newBuilder().setRaftGroup(group).setProperties(adminProps)
                .setRetryPolicy(org.apache.ratis.retry.RetryPolicies.noRetry()).build();
        this.membership = new QuorumMembership(this, server.getDivision(GROUP_ID),
                LIVE_CONTACT_ELECTION_TIMEOUTS * config.electionTimeoutMaxMs(), System::nanoTime);
        this.followerChannels = new FollowerChannels(server, GROUP_ID,
                SILENT_FOLLOWER_ELECTION_TIMEOUTS * config.electionTimeoutMaxMs(), System::nanoTime);
        followerChannels.start();
    }

    public static MetadataNode start(MetadataConfig config) throws IOException {
        List<RaftPeer> peers = new ArrayList<>();
        for (Voter v : config.voters()) {
            peers.add(RaftPeer.newBuilder().setId(peerId(v.nodeId())).setAddress(v.address()).build());
        }
        RaftGroup voterGroup = RaftGroup.valueOf(GROUP_ID, peers);
        if (!config.isVoter()) {
            peers.add(listenerPeer(config));
        }
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, peers);
        Files.createDirectories(config.dir());
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(config.dir().toFile()));
        GrpcConfigKeys.Server.setPort(props, config.self().port());
        GrpcConfigKeys.Server.setHost(props, config.self().host());
        RaftServerConfigKeys.Rpc.setTimeoutMin(props, ms(config.electionTimeoutMinMs()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(props, ms(config.electionTimeoutMaxMs()));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, config.snapshotEntries());
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
        RaftServerConfigKeys.Log.setPurgeGap(props, 1);
        // Only closed segments are purged behind a snapshot: the segment size bounds what a purge leaves behind.
        long segment = config.logSegmentBytes();
        RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf(segment));
        RaftServerConfigKeys.Log.setPreallocatedSize(props, SizeInBytes.valueOf(PREALLOCATE_BYTES));
        // Metadata records are small: modest append batches keep the write buffer (which must exceed them) small.
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(props, SizeInBytes.valueOf(APPEND_BATCH_BYTES));
        RaftServerConfigKeys.Log.setWriteBufferSize(props, SizeInBytes.valueOf(2 * APPEND_BATCH_BYTES));
        MetadataStateMachine sm = new MetadataStateMachine();
        RaftServer server = RaftServer.newBuilder()
                .setServerId(peerId(config.nodeId()))
                .setGroup(group)
                .setStateMachine(sm)
                .setProperties(props)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        MetadataNode node;
        try {
            node = new MetadataNode(config, voterGroup, sm, server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        sm.snapshotEveryBytes(config.snapshotBytes(), node::requestSnapshot);
        if (!config.isVoter() && !node.inRecoveredConfiguration()) {
            try {
                node.joinAsListener();
            } catch (IOException | RuntimeException e) {
                node.close();
                throw e;
            }
        }
        return node;
    }

    private static RaftPeer listenerPeer(MetadataConfig config) {
        return RaftPeer.newBuilder().setId(peerId(config.nodeId())).setAddress(config.self().address())
                .setStartupRole(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER).build();
    }

    /**
     * Asks the quorum to add this node as a non-voting listener (Ratis ADD mode: the voters and other
     * listeners stay). Retried until {@code kayak.metadata.proposal.timeout.ms} runs out.
     */
    private void joinAsListener() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.proposalTimeoutMs());
        org.apache.ratis.protocol.SetConfigurationRequest.Arguments add = org.apache.ratis.protocol.SetConfigurationRequest
                .Arguments.newBuilder()
                .setMode(org.apache.ratis.protocol.SetConfigurationRequest.Mode.ADD)
                .setServersInNewConf(List.of())
                .setListenersInNewConf(List.of(listenerPeer(config)))
                .build();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                org.apache.ratis.protocol.RaftClientReply reply = client.raftClient().admin().setConfiguration(add);
                if (reply.isSuccess()) {
                    return;
                }
                last = reply.getException() == null ? new IOException("setConfiguration failed") : reply.getException();
            } catch (IOException e) {
                last = e;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(MetadataClient.RETRY_SLEEP_MS));
        }
        throw new IOException("node " + config.nodeId() + " could not join the metadata quorum as a listener within "
                + config.proposalTimeoutMs() + " ms", last);
    }

    /**
     * Whether the configuration this node recovered from its metadata log already names it (as a listener it joined
     * as earlier, or as a voter it was made since): then it must not ask to join again, which would demote a voter.
     */
    private boolean inRecoveredConfiguration() throws IOException {
        org.apache.ratis.server.RaftConfiguration conf = server.getDivision(GROUP_ID).getRaftConf();
        return conf.getLogEntryIndex() >= 0 && conf.getPeer(peerId(config.nodeId()),
                org.apache.ratis.proto.RaftProtos.RaftPeerRole.FOLLOWER, org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER) != null;
    }

    /** Changes to the quorum's members and leader (the admin CLI's {@code quorum} commands). */
    public QuorumMembership membership() {
        return membership;
    }

    /** Asks this node's own server for a snapshot, off the caller's thread (the state machine's apply thread). */
    private void requestSnapshot() {
        snapshotRequests.execute(() -> {
            try {
                // Creation gap 1: Ratis would otherwise skip the snapshot until its own entry-count gap has passed.
                client.raftClient().getSnapshotManagementApi(peerId(config.nodeId())).create(1, 30_000);
            } catch (IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(MetadataNode.class).warn("Snapshot by size failed: {}", e.toString());
            }
        });
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    private static TimeDuration ms(long v) {
        return TimeDuration.valueOf(v, TimeUnit.MILLISECONDS);
    }

    /** The latest applied image; lock-free. */
    public MetadataImage image() {
        return stateMachine.image();
    }

    public void addListener(MetadataListener listener) {
        stateMachine.addListener(listener);
    }

    public MetadataClient client() {
        return client;
    }

    public MetadataStateMachine stateMachine() {
        return stateMachine;
    }

    public int nodeId() {
        return config.nodeId();
    }

    public boolean isLeader() throws IOException {
        return server.getDivision(GROUP_ID).getInfo().isLeader();
    }

    /** The leader this node knows of, or -1. */
    public int leaderId() throws IOException {
        RaftPeerId id = server.getDivision(GROUP_ID).getInfo().getLeaderId();
        return id == null ? -1 : Integer.parseInt(id.toString());
    }

    /** The first index still in this node's Raft log: everything below was purged behind a snapshot. */
    public long logStartIndex() throws IOException {
        return server.getDivision(GROUP_ID).getRaftLog().getStartIndex();
    }

    /** Waits until this node has applied {@code index}; false on timeout. */
    public boolean awaitApplied(long index, long timeoutMs) throws InterruptedException {
        return stateMachine.awaitApplied(index, timeoutMs);
    }

    /** Asks for a snapshot now (tests and the admin CLI); returns its index. */
    public long takeSnapshot() throws IOException {
        return stateMachine.takeSnapshot();
    }

    /**
     * The quorum for {@code quorum describe}: leader, term and commit index as the leader reports them, and per
     * voter its last log index (asked of that voter), its lag behind the leader's last log index, and the
     * time since the leader last heard from it. An unreachable voter shows -1.
     */
    public QuorumStatus status() throws IOException {
        int leader = leaderId();
        if (leader < 0) {
            return new QuorumStatus(-1, server.getDivision(GROUP_ID).getInfo().getCurrentTerm(), -1,
                    stateMachine.image().appliedIndex(), List.of());
        }
        GroupInfoReply leaderInfo = adminClient.getGroupManagementApi(peerId(leader)).info(GROUP_ID);
        RoleInfoProto role = leaderInfo.getRoleInfoProto();
        Map<String, Long> contactByPeer = new HashMap<>();
        if (role.hasLeaderInfo()) {
            for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                contactByPeer.put(f.getId().getId().toStringUtf8(), f.getLastRpcElapsedTimeMs());
            }
        }
        long leaderLast = lastLogIndex(leaderInfo);
        long commit = leaderInfo.getLogInfoProto().hasCommitted() ? leaderInfo.getLogInfoProto().getCommitted().getIndex() : -1;
        List<QuorumStatus.VoterStatus> voters = new ArrayList<>();
        // The members of the latest configuration, which changes (quorum add-voter, remove-voter) override the configured voters.
        adminClient.getClientRpc().addRaftPeers(QuorumMembership.members(server.getDivision(GROUP_ID).getRaftConf()));
        List<Integer> listeners = membership.listeners();
        for (int id : concat(membership.voters(), listeners)) {
            boolean isLeader = id == leader;
            long last = isLeader ? leaderLast : -1;
            if (!isLeader) {
                try {
                    last = lastLogIndex(adminClient.getGroupManagementApi(peerId(id)).info(GROUP_ID));
                } catch (IOException | RuntimeException e) {
                    last = -1; // unreachable member (gRPC reports some failures unchecked)
                }
            }
            voters.add(new QuorumStatus.VoterStatus(id, isLeader ? "leader" : listeners.contains(id) ? "listener" : "follower", last,
                    last < 0 ? -1 : Math.max(0, leaderLast - last),
                    isLeader ? 0 : contactByPeer.getOrDefault(Integer.toString(id), -1L)));
        }
        long term = role.hasLeaderInfo() ? role.getLeaderInfo().getTerm() : server.getDivision(GROUP_ID).getInfo().getCurrentTerm();
        return new QuorumStatus(leader, term, commit, stateMachine.image().appliedIndex(), voters);
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static long lastLogIndex(GroupInfoReply info) {
        return info.getLogInfoProto().hasLastEntry() ? info.getLogInfoProto().getLastEntry().getIndex() : -1;
    }

    /** This node's Ratis server, for tests in this package. */
    RaftServer raftServer() {
        return server;
    }

    @Override
    public void close() throws IOException {
        followerChannels.close();
        snapshotRequests.shutdownNow();
        try {
            client.close();
            adminClient.close();
        } finally {
            server.close();
        }
    }
}
