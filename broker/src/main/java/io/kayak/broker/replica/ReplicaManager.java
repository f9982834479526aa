package io.kayak.broker.replica;

import io.kayak.broker.topic.DynamicBrokerConfigs;
import io.kayak.broker.topic.TopicConfigs;
import io.kayak.log.FileTrees;
import io.kayak.log.LogConfig;
import io.kayak.log.LogDir;
import io.kayak.log.PartitionLog;
import io.kayak.log.replication.ReplicaEvents;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.metadata.TopicImage;
import io.kayak.metadata.TopicPartition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.proto.RaftProtos.RaftGroupIdProto;
import org.apache.ratis.proto.RaftProtos.RaftRpcRequestProto;
import org.apache.ratis.proto.RaftProtos.StartLeaderElectionRequestProto;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's partition replicas follow the metadata image. One Ratis server hosts every partition
 * group of the node; for each partition replica the image assigns here, the manager opens the partition log
 * and adds the group (id from topic id + partition, see {@link PartitionGroups}); for each hosted replica the
 * image no longer assigns here (topic deleted, or deleted and re-created), it removes the group with its Raft
 * directory and deletes the log.
 *
 * <p>Start-up reconciles the disk first, before Ratis recovers anything: Raft group directories and
 * partition logs the image does not assign here (topics deleted while the node was down) are deleted, and so
 * is a log whose group directory is missing (it belonged to an earlier topic of the same name). The caller
 * must have brought the local metadata image up to date with the quorum before {@link #start}.
 *
 * <p>Thread model: reconciliation runs on one thread of its own, woken (coalesced) by every applied metadata
 * record; lookups are lock-free reads of concurrent maps. {@link #close()} stops reconciling, closes the Ratis
 * server (every division); the log dirs, which the caller owns and closes afterwards, close the logs.
 */
public final class ReplicaManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);
    /** Room for one entry's framing beyond the largest batch the log accepts. */
    private static final int ENTRY_OVERHEAD_BYTES = 64 << 10;
    /** Raft log segment size of a partition group: its entries are small headers (the batches go to the partition log). */
    private static final long RAFT_SEGMENT_BYTES = 1L << 20;
    /**
     * How far ahead Ratis extends its log file, with writes of this size. Ratis's default writes a megabyte of
     * filler at once, and Linux then caches that range as one large folio: every later small append dirties, and
     * every flush writes back, the whole folio (a megabyte of {@code write_bytes} per fsync'd ~70-byte entry).
     * One page per extension keeps a flush's write-back to the pages it touched.
     */
    static final long RAFT_PREALLOCATE_BYTES = 4096;
    /** A starting division's first election waits this long at least (and at most twice it), whatever the timeout. */
    static final long FIRST_ELECTION_TIMEOUT_MIN_CAP_MS = 200;

    private final int nodeId;
    private final ReplicationConfig config;
    private final LogConfig logConfig;
    private final List<LogDir> logDirs;
    private final Supplier<MetadataImage> images;
    private final Map<RaftGroupId, Replica> byGroup = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Replica> byPartition = new ConcurrentHashMap<>();
    private final ExecutorService reconciler;
    /** Ends the appends' lingers ({@link AppendQueue}) and sends the entries they held. */
    private final ScheduledExecutorService appendTimer;
    private volatile LeadershipTransfers transfers;
    private final AtomicBoolean reconcileQueued = new AtomicBoolean();
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final LeadershipObserver observer;
    private final PartitionMetrics metrics;
    private volatile boolean closed;
    private volatile Consumer<Replica> waker;
    private final AtomicLong forcedElections = new AtomicLong();
    private PeerProbe probe;
    private RaftServer server;

    /** Told when a hosted partition's group changes leader or its high watermark advances; must not block. */
    public interface LeadershipObserver {
        void leaderChanged(TopicPartition partition, int leaderNode, long term);

        default void highWatermarkAdvanced(TopicPartition partition) {
        }
    }

    private ReplicaManager(int nodeId, ReplicationConfig config, LogConfig logConfig, List<LogDir> logDirs,
                           Supplier<MetadataImage> images, LeadershipObserver observer, PartitionMetrics metrics) {
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.config = config;
        this.logConfig = logConfig;
        this.logDirs = List.copyOf(logDirs);
        this.images = images;
        this.observer = observer;
        this.reconciler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kayak-replica-manager-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        this.appendTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kayak-append-linger-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Reconciles the disk with {@code images.get()}, starts the partition Raft server over what remains and
     * adds the groups still missing. Call {@link #onMetadataChanged()} on every applied metadata record.
     */
    public static ReplicaManager start(int nodeId, ReplicationConfig config, LogConfig logConfig, List<LogDir> logDirs,
                                       Supplier<MetadataImage> images, LeadershipObserver observer,
                                       PartitionMetrics metrics) throws IOException {
        ReplicaManager m = new ReplicaManager(nodeId, config, logConfig, logDirs, images, observer, metrics);
        try {
            m.startServer(images.get());
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        m.onMetadataChanged();
        return m;
    }

    private void startServer(MetadataImage image) throws IOException {
        checkBindable();
        Files.createDirectories(config.dir());
        Map<RaftGroupId, Assigned> expected = assignedHere(image);
        removeZombieGroupDirs(expected);
        for (Assigned a : expected.values()) {
            if (Files.isDirectory(config.dir().resolve(a.groupId.getUuid().toString()))) {
                open(a); // Ratis recovers this group on start and asks the registry for its state machine
            }
        }
        deleteUnhostedLogs();
        server = RaftServer.newBuilder()
                .setServerId(PartitionGroups.peerId(nodeId))
                .setProperties(raftProperties())
                .setStateMachineRegistry(gid -> {
                    Replica r = byGroup.get(gid);
                    if (r == null) {
                        throw new IllegalStateException("no partition replica for Ratis group " + gid + " on node " + nodeId);
                    }
                    return r.newStateMachine(config.fsync());
                })
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        server.start();
        transfers = new LeadershipTransfers(nodeId, images, server.getProperties());
        if (config.peerProbeIntervalMs() > 0) {
            probe = new PeerProbe(nodeId, images, config.peerProbeIntervalMs(), this::electAwayFrom);
            probe.start();
        }
        LOG.info("Node {}: partition Raft server on {} hosts {} recovered replicas", nodeId, config.address(), byGroup.size());
    }

    /**
     * Ratis ends the whole process when its gRPC server cannot bind; find out first and fail this start with
     * a message naming the key instead.
     */
    private void checkBindable() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(config.host(), config.port()));
        } catch (IOException e) {
            throw new IOException(ReplicationConfig.LISTENER + "=" + config.address() + " cannot be bound: " + e.getMessage(), e);
        }
    }

    private RaftProperties raftProperties() {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(config.dir().toFile()));
        GrpcConfigKeys.Server.setHost(p, config.host());
        GrpcConfigKeys.Server.setPort(p, config.port());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(config.electionTimeoutMinMs(), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(config.electionTimeoutMaxMs(), TimeUnit.MILLISECONDS));
        // A division that starts (a woken partition, a node's start) holds its first election sooner: a woken
        // partition has no leader at all until one is elected, so a write waits for this. Capped, so that the long
        // election timeout a loaded node needs (ARCHITECTURE.md §5.3) does not slow wake-ups.
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(
                Math.min(config.electionTimeoutMinMs() / 4, FIRST_ELECTION_TIMEOUT_MIN_CAP_MS), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(
                Math.min(config.electionTimeoutMinMs() / 2, 2 * FIRST_ELECTION_TIMEOUT_MIN_CAP_MS), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotEntries());
        // Each division allocates a write buffer that must hold the largest entry: size it to the largest batch,
        // not Ratis's default, because a node hosts hundreds of divisions.
        int entryMax = entryMaxBytes();
        RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(entryMax));
        RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(entryMax + 1024));
        // Batches go to the partition log (DataApi); keep them out of Ratis's entry cache too: the state machine
        // serves them to followers from the pending transaction or the segments (page cache).
        RaftServerConfigKeys.Log.StateMachineData.setCachingEnabled(p, true);
        // Ratis purges whole segments, and the state machine keeps every entry's outcome until its segment is
        // purged: small segments bound that memory. A follower that needs purged entries is told to install the
        // partition log from the leader (notification mode: Ratis has no snapshot files to send).
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(RAFT_SEGMENT_BYTES));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, false);
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(RAFT_PREALLOCATE_BYTES));
        // Without fsync Ratis counts an entry flushed once it is written (its own fsync runs later, off the path);
        // the state machine's flush then skips the partition log's fsync too.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, !config.fsync());
        // Ratis by default appends a metadata entry (the new commit index) to the Raft log each time the commit index
        // advances, so that a restarted replica can apply up to it before hearing from a leader. For a partition group
        // with one entry out at a time that is a second log entry per round: a second write and flush of the Raft log
        // on every replica, and a second append RPC when nothing else waits. Raft does not need the commit index on
        // disk: a restarted replica applies what the leader tells it is committed (docs/ARCHITECTURE.md §5.1).
        RaftServerConfigKeys.Log.setLogMetadataEnabled(p, false);
        // Ratis's retry cache answers a client that resends a call id. This node never does (a producer's retry is a
        // new submit, and the partition's producer state finds its duplicates), yet by default every replica keeps
        // each applied entry's reply for a minute: at 20,000 records/s on three partitions some 12,000 replies, a fifth
        // of a node's live heap, copied by young collections until they reach the old generation (docs/BENCHMARKS.md).
        RaftServerConfigKeys.RetryCache.setExpiryTime(p, TimeDuration.ZERO);
        return p;
    }

    /** The largest records entry a partition accepts: one batch of {@code message.max.bytes} plus framing. */
    int entryMaxBytes() {
        return logConfig.messageMaxBytes() + ENTRY_OVERHEAD_BYTES;
    }

    /** A partition replica the image assigns to this node. */
    private record Assigned(TopicPartition partition, UUID topicId, RaftGroupId groupId, Map<String, String> configs,
                            List<Integer> replicas, boolean quiesced) {
    }

    private Map<RaftGroupId, Assigned> assignedHere(MetadataImage image) {
        Map<RaftGroupId, Assigned> out = new HashMap<>();
        // Dynamic broker configs are the defaults of the topic configs a topic does not set: a change of either
        // makes the replica's configs differ, and reconcile reconfigures its open log.
        Map<String, String> brokerDefaults = DynamicBrokerConfigs.inForce(image, nodeId);
        for (TopicImage t : image.topics().values()) {
            for (PartitionImage p : t.partitions()) {
                if (p.replicas().contains(nodeId)) {
                    RaftGroupId gid = PartitionGroups.groupId(t.topicId(), p.partition());
                    Map<String, String> configs = DynamicBrokerConfigs.topicConfigsWithDefaults(logConfig, brokerDefaults,
                            t.configs());
                    out.put(gid, new Assigned(new TopicPartition(t.name(), p.partition()), t.topicId(), gid, configs,
                            p.replicas(), p.quiesced()));
                }
            }
        }
        return out;
    }

    private void removeZombieGroupDirs(Map<RaftGroupId, Assigned> expected) throws IOException {
        try (Stream<Path> children = Files.list(config.dir())) {
            for (Path child : children.toList()) {
                UUID uuid;
                try {
                    uuid = UUID.fromString(child.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    continue; // not a Ratis group directory
                }
                if (!expected.containsKey(RaftGroupId.valueOf(uuid))) {
                    LOG.info("Node {}: deleting Raft group {} of a partition no longer assigned here", nodeId, uuid);
                    FileTrees.delete(child);
                }
            }
        }
    }

    private void deleteUnhostedLogs() throws IOException {
        for (LogDir dir : logDirs) {
            for (PartitionLog log : dir.logs()) {
                boolean hosted = byPartition.values().stream().anyMatch(r -> r.log == log);
                if (!hosted) {
                    LOG.info("Node {}: deleting partition log {} that no hosted group owns", nodeId, log.name());
                    dir.deleteLog(log.name());
                }
            }
        }
    }

    private Replica open(Assigned a) throws IOException {
        String name = Replica.logName(a.partition);
        LogDir dir = logDirs.stream().filter(d -> d.log(name) != null).findFirst()
                .orElseGet(() -> logDirs.stream().min(Comparator.comparingInt(d -> d.logs().size())).orElseThrow());
        LogConfig wanted = TopicConfigs.logConfig(logConfig, a.configs);
        PartitionLog existing = dir.log(name);
        if (existing != null && !existing.config().toMap().equals(wanted.toMap())) {
            dir.closeLog(name); // opened by the log dir with the node defaults; reopen with the topic's settings
        }
        PartitionLog log = dir.openLog(name, wanted);
        ReplicaEvents events = new ReplicaEvents() {
            @Override
            public void leaderChanged(RaftPeerId leader, long term) {
                observer.leaderChanged(a.partition, PartitionGroups.nodeId(leader), term);
            }

            @Override
            public void highWatermarkAdvanced(long highWatermark) {
                observer.highWatermarkAdvanced(a.partition);
            }
        };
        Replica r = new Replica(nodeId, a.partition, a.topicId, dir, log, events,
                new AppendQueue(logConfig.messageMaxBytes(), config.coalesceAppends(),
                        TimeUnit.MICROSECONDS.toNanos(config.appendLingerUs()), appendTimer, metrics));
        r.topicConfigs = a.configs;
        byGroup.put(r.groupId, r);
        byPartition.put(r.partition, r);
        metrics.registerPartition(r.partition, log, () -> {
            io.kayak.log.replication.PartitionStateMachine sm = r.stateMachine();
            return sm == null ? -1 : sm.highWatermark();
        });
        return r;
    }

    /** Schedules a reconciliation against the newest image; calls made while one is queued coalesce. */
    public void onMetadataChanged() {
        if (!closed && reconcileQueued.compareAndSet(false, true)) {
            try {
                reconciler.execute(() -> {
                    reconcileQueued.set(false);
                    reconcile(images.get());
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reconcileQueued.set(false); // closing
            }
        }
    }

    private void reconcile(MetadataImage image) {
        if (closed) {
            return;
        }
        Map<RaftGroupId, Assigned> expected = assignedHere(image);
        for (Replica r : List.copyOf(byGroup.values())) {
            if (!expected.containsKey(r.groupId)) {
                remove(r);
            }
        }
        List<Replica> toSuspend = new ArrayList<>();
        Map<Replica, RaftGroup> toResume = new HashMap<>();
        for (Assigned a : expected.values()) {
            Replica hosted = byGroup.get(a.groupId);
            if (hosted != null && !hosted.topicConfigs.equals(a.configs)) {
                reconfigure(hosted, a.configs);
            }
            if (hosted == null) {
                Optional<RaftGroup> group = PartitionGroups.group(image, a.groupId, a.replicas);
                if (group.isEmpty()) {
                    LOG.debug("Node {}: {} waits for every replica's broker to register", nodeId, a.partition);
                    continue;
                }
                Replica added = add(a, group.get());
                if (added != null && a.quiesced) {
                    // A new replica (its directory was lost) of a quiesced partition: the group must run to fill it.
                    wake(added);
                }
            } else if (a.quiesced && !hosted.suspended) {
                toSuspend.add(hosted);
            } else if (!a.quiesced && hosted.suspended) {
                PartitionGroups.group(image, a.groupId, a.replicas).ifPresent(g -> toResume.put(hosted, g));
            }
        }
        // All at once: a division takes up to a state-machine poll (100 ms) to close, and a replica still running
        // after the others stopped only campaigns in vain.
        List<CompletableFuture<Void>> changes = new ArrayList<>();
        toSuspend.forEach(r -> changes.add(suspend(r)));
        toResume.forEach((r, g) -> changes.add(resume(r, g)));
        changes.forEach(CompletableFuture::join);
    }

    /**
     * The partition is quiesced: stops its division here, keeping the Raft directory (term, vote and log) for the
     * next wake-up, and the partition log open for reads. A write that raced the quiescing and is still in the
     * division fails with it; the producer retries once the partition runs again.
     */
    private CompletableFuture<Void> suspend(Replica r) {
        return groupChange(GroupManagementRequest.newRemove(clientId, server.getId(), callIds.incrementAndGet(), r.groupId,
                false, false)).handle((reply, e) -> {
                    if (e != null || !reply.isSuccess()) {
                        LOG.warn("Node {}: stopping the quiesced group of {} failed; retrying on the next metadata change: {}",
                                nodeId, r, e != null ? e.toString() : reply.getException());
                        return null;
                    }
                    r.suspended();
                    r.quiescing = false;
                    LOG.info("Node {}: {} is quiesced; its Raft group is stopped here", nodeId, r);
                    return null;
                });
    }

    /** The partition was woken: starts its division again from the Raft directory it left. */
    private CompletableFuture<Void> resume(Replica r, RaftGroup group) {
        return groupChange(GroupManagementRequest.newAdd(clientId, server.getId(), callIds.incrementAndGet(), group, false))
                .handle((reply, e) -> {
                    if (e != null || !reply.isSuccess()) {
                        LOG.warn("Node {}: restarting the group of {} failed; retrying on the next metadata change: {}",
                                nodeId, r, e != null ? e.toString() : reply.getException());
                        return null;
                    }
                    r.suspended = false;
                    r.quiescing = false;
                    LOG.info("Node {}: {} is awake; its Raft group runs here again", nodeId, r);
                    return null;
                });
    }

    private CompletableFuture<RaftClientReply> groupChange(GroupManagementRequest request) {
        try {
            return server.groupManagementAsync(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Asks the metadata quorum to wake a quiesced partition (through the leadership publisher, at most one request
     * per partition in flight) and returns what completes once a leader is known again.
     */
    CompletableFuture<Void> wake(Replica r) {
        CompletableFuture<Void> awake = r.awake();
        Consumer<Replica> w = waker;
        if (w != null) {
            w.accept(r);
        }
        return awake;
    }

    /**
     * {@code deadNode}'s partition Raft server is gone ({@link PeerProbe}): in every running group it led where this
     * node is the follower chosen to succeed it — the lowest-numbered replica the probe does not count as down —
     * the local division starts an election now, skipping the wait for its election timeout. Ratis's
     * StartLeaderElection is how a leader hands over; asked locally in the dead leader's name, with this
     * follower's own last entry, it is accepted only while that entry is of the current term (the follower holds
     * everything the leader's term began with). Otherwise, or if this follower's log is behind the other's and it
     * loses, the ordinary election timeout still elects someone.
     */
    void electAwayFrom(int deadNode) {
        if (closed || server == null) {
            return;
        }
        Set<Integer> down = probe == null ? Set.of() : probe.down();
        int started = 0;
        for (Replica r : byGroup.values()) {
            Optional<RaftServer.Division> d = r.suspended ? Optional.empty() : division(r);
            if (d.isEmpty() || !d.get().getInfo().isFollower()
                    || PartitionGroups.nodeId(d.get().getInfo().getLeaderId()) != deadNode) {
                continue;
            }
            int successor = d.get().getGroup().getPeers().stream().mapToInt(p -> PartitionGroups.nodeId(p.getId()))
                    .filter(n -> n != deadNode && !down.contains(n)).min().orElse(-1);
            org.apache.ratis.server.protocol.TermIndex last = d.get().getRaftLog().getLastEntryTermIndex();
            if (successor != nodeId || last == null || last.getTerm() != d.get().getInfo().getCurrentTerm()) {
                continue;
            }
            StartLeaderElectionRequestProto request = StartLeaderElectionRequestProto.newBuilder()
                    .setServerRequest(RaftRpcRequestProto.newBuilder()
                            .setRequestorId(PartitionGroups.peerId(deadNode).toByteString())
                            .setReplyId(server.getId().toByteString())
                            .setRaftGroupId(RaftGroupIdProto.newBuilder().setId(r.groupId.toByteString())))
                    .setLeaderLastEntry(last.toProto())
                    .build();
            try {
                if (server.startLeaderElection(request).getServerReply().getSuccess()) {
                    started++;
                    forcedElections.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Node {}: no early election for {}: {}", nodeId, r, e.toString());
            }
        }
        if (started > 0) {
            LOG.info("Node {}: started {} elections for partitions node {} led", nodeId, started, deadNode);
        }
    }

    /** Elections this node started because the probe found a partition's leader gone. */
    public long forcedElections() {
        return forcedElections.get();
    }

    /** Who proposes wake-ups; set by the leadership publisher when it starts. */
    void wakeWith(Consumer<Replica> waker) {
        this.waker = waker;
    }

    /** A topic's configs changed: the open log adopts them (they were validated when the change was proposed). */
    private void reconfigure(Replica r, Map<String, String> configs) {
        try {
            r.log.reconfigure(TopicConfigs.logConfig(logConfig, configs));
            r.topicConfigs = configs;
            LOG.info("Node {}: {} now runs with topic configs {}", nodeId, r.partition, configs);
        } catch (RuntimeException e) {
            LOG.warn("Node {}: {} keeps its settings; the topic configs {} cannot be applied: {}", nodeId, r.partition,
                    configs, e.getMessage());
            r.topicConfigs = configs; // not retried on every metadata change; the next config change tries again
        }
    }

    private Replica add(Assigned a, RaftGroup group) {
        Replica r = null;
        try {
            r = open(a);
            RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(clientId, server.getId(),
                    callIds.incrementAndGet(), group));
            if (!reply.isSuccess()) {
                throw new IOException(String.valueOf(reply.getException()));
            }
            LOG.info("Node {}: added replica {} of {}", nodeId, r, group.getPeers());
            return r;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Node {}: adding replica {} failed; retrying on the next metadata change", nodeId, a.partition, e);
            if (r != null) {
                forget(r, false);
            }
            return null;
        }
    }

    private void remove(Replica r) {
        if (!r.suspended) {
            try {
                RaftClientReply reply = server.groupManagement(GroupManagementRequest.newRemove(clientId, server.getId(),
                        callIds.incrementAndGet(), r.groupId, true, false));
                if (!reply.isSuccess()) {
                    LOG.warn("Node {}: removing group of {} failed: {}", nodeId, r, reply.getException());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Node {}: removing group of {} failed", nodeId, r, e);
            }
        }
        Path raftDir = config.dir().resolve(r.groupId.getUuid().toString());
        try {
            FileTrees.delete(raftDir); // a quiesced group has no division to remove it with
        } catch (IOException e) {
            LOG.warn("Node {}: deleting the Raft directory of {} failed; it goes at the next start", nodeId, r, e);
        }
        forget(r, true);
        LOG.info("Node {}: removed replica {}", nodeId, r);
    }

    private void forget(Replica r, boolean deleteLog) {
        byGroup.remove(r.groupId);
        byPartition.remove(r.partition, r);
        metrics.removePartition(r.partition);
        try {
            if (deleteLog) {
                r.dir.deleteLog(Replica.logName(r.partition));
            } else {
                r.dir.closeLog(Replica.logName(r.partition));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Node {}: cleaning up the log of {} failed", nodeId, r, e);
        }
    }

    /** The local replica of a partition, if this node hosts one. */
    Optional<Replica> replica(TopicPartition tp) {
        return Optional.ofNullable(byPartition.get(tp));
    }

    /** Every hosted replica. */
    Iterable<Replica> replicas() {
        return byGroup.values();
    }

    public int hostedCount() {
        return byGroup.size();
    }

    /** Partitions this node leads: running groups it leads, and quiesced ones it led when they quiesced. */
    public int leaderCount() {
        int n = 0;
        MetadataImage image = images.get();
        for (Replica r : byGroup.values()) {
            boolean leads = r.suspended
                    ? r.recorded(image).map(p -> p.leader() == nodeId).orElse(false)
                    : division(r).map(d -> d.getInfo().isLeader()).orElse(false);
            if (leads) {
                n++;
            }
        }
        return n;
    }

    /** Whether the partition's group is stopped here because the partition is quiesced. */
    public boolean isQuiesced(TopicPartition tp) {
        return replica(tp).map(r -> r.suspended).orElse(false);
    }

    /** How many hosted partitions have their group stopped here (quiesced). */
    public int quiescedCount() {
        return (int) byGroup.values().stream().filter(r -> r.suspended).count();
    }

    /** The partitions hosted here, for status and tests. */
    public List<TopicPartition> hostedPartitions() {
        return byPartition.keySet().stream().sorted().toList();
    }

    /** The local log of a hosted partition, for status and tests. */
    public Optional<PartitionLog> log(TopicPartition tp) {
        return replica(tp).map(r -> r.log);
    }

    /** The Ratis division of a hosted partition, or empty while it is not (yet) running. */
    Optional<RaftServer.Division> division(Replica r) {
        try {
            return Optional.of(server.getDivision(r.groupId));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The Raft detail of this node's replica of a partition, or empty while it is not hosted or not running here. */
    public Optional<RaftGroupStatus> raftStatus(TopicPartition tp) {
        return replica(tp).flatMap(this::division).map(d -> RaftGroupStatus.of(nodeId, d));
    }

    /** Whether this node currently leads the partition's group. */
    public boolean isLeader(TopicPartition tp) {
        return replica(tp).flatMap(this::division).map(d -> d.getInfo().isLeader()).orElse(false);
    }

    /** Submits an entry to the local division; the reply comes once it is committed and applied, or refused. */
    CompletableFuture<RaftClientReply> submit(Replica r, ByteString entry) throws IOException {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(server.getId())
                .setGroupId(r.groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(entry))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        return server.submitClientRequestAsync(request);
    }

    /**
     * Asks the partition's leader to hand leadership to its preferred (first) replica, if that is a different
     * node. Only the leader can do it; on another node this returns false and the caller asks the leader.
     */
    public CompletableFuture<Boolean> transferToPreferred(TopicPartition tp, long timeoutMs) {
        Replica r = byPartition.get(tp);
        if (r == null) {
            return CompletableFuture.completedFuture(false);
        }
        List<Integer> assigned = Replica.assigned(images.get(), r.topicId, tp.partition());
        Optional<RaftServer.Division> d = division(r);
        if (assigned.isEmpty() || d.isEmpty() || !d.get().getInfo().isLeader()) {
            return CompletableFuture.completedFuture(false);
        }
        if (assigned.get(0) == nodeId) {
            return CompletableFuture.completedFuture(true);
        }
        TransferLeadershipRequest request = new TransferLeadershipRequest(clientId, server.getId(), r.groupId,
                callIds.incrementAndGet(), PartitionGroups.peerId(assigned.get(0)), timeoutMs);
        try {
            return server.transferLeadershipAsync(request).thenApply(RaftClientReply::isSuccess);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Hands leadership of a partition to {@code target} from any node, hosting a replica or not (see
     * {@link LeadershipTransfers}); completes with false when that is not possible now.
     */
    public CompletableFuture<Boolean> transferLeadership(TopicPartition tp, int target, long timeoutMs) {
        LeadershipTransfers t = transfers;
        return t == null ? CompletableFuture.completedFuture(false) : t.transfer(tp, target, timeoutMs);
    }

    /** The node the local replica of a partition sees leading it, or -1 (not hosted here, or no leader known). */
    public int localLeader(TopicPartition tp) {
        return replica(tp).flatMap(this::division).map(d -> d.getInfo().getLeaderId())
                .map(PartitionGroups::nodeId).orElse(-1);
    }

    public int nodeId() {
        return nodeId;
    }

    /**
     * For crash tests and benchmarks: makes the partition Raft server vanish for its peers at once, as a killed
     * process would, while {@link #close} then takes its time. Its inbound RPC stops and every division closes
     * at the same moment (a closed division sends no more heartbeats; closing the RPC alone does not stop
     * them, Ratis reopens outbound connections on demand). Nothing is flushed.
     */
    public void severForTesting() {
        RaftServer s = server;
        if (s == null) {
            return;
        }
        List<Thread> closers = new ArrayList<>();
        List<Runnable> steps = new ArrayList<>();
        for (RaftGroupId id : s.getGroupIds()) {
            steps.add(() -> {
                try {
                    s.getDivision(id).close();
                } catch (IOException | RuntimeException e) {
                    // already closing
                }
            });
        }
        steps.add(() -> {
            try {
                s.getServerRpc().close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Node {}: closing the partition Raft RPC failed", nodeId, e);
            }
        });
        for (Runnable step : steps) { // all at once: the RPC's close alone waits seconds for its executor
            Thread t = new Thread(step, "kayak-sever-" + nodeId);
            t.start();
            closers.add(t);
        }
        try {
            for (Thread t : closers) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (probe != null) {
            probe.close();
        }
        if (transfers != null) {
            transfers.close();
        }
        reconciler.shutdownNow();
        // Not shutdownNow: a linger still running sends the requests it holds (within its few milliseconds) while the
        // server is open, so they are answered rather than stranded; lingers asked for from now on send at once.
        appendTimer.shutdown();
        try {
            reconciler.awaitTermination(30, TimeUnit.SECONDS);
            appendTimer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Node {}: closing the partition Raft server failed", nodeId, e);
            }
        }
        // The logs stay open: their log dirs close (and flush) them after this.
        byGroup.clear();
        byPartition.clear();
    }
}
