package io.kayak.broker.replica;

import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.metadata.TopicPartition;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.metadata.record.PartitionLeaderRecord;
import io.kayak.metadata.record.PartitionQuiesceRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes, for every partition this node leads, (leader, epoch = Raft term, ISR) to the metadata quorum
 * whenever it differs from what the image records: at election and at every ISR change.
 *
 * <p>ISR, as Kafka defines it: the leader plus every follower that, within {@code replica.lag.time.max.ms},
 * both answered the leader and had replicated everything the leader held at the previous check. A new leader
 * starts with every follower in the ISR (they get the lag time to fall out), as Kafka carries the ISR over.
 *
 * <p>Quiescence (docs/ARCHITECTURE.md §5.8): the same checks propose to quiesce a partition this node leads
 * once it took no write for {@code kayak.replication.quiesce.ms} while every replica holds and has applied all
 * of it; wake-ups of quiesced partitions, asked for by writes, are proposed here too.
 *
 * <p>Thread model: checks run on the injected scheduler every {@code kayak.replication.isr.check.interval.ms}
 * and right after a leader change; proposals run one at a time on a thread of their own, so a slow quorum
 * never delays a check, and wake-ups on another, so they never wait behind leadership reports. At most one
 * proposal per partition is in flight on each. The proposer returns once the record is applied on this node.
 */
public final class LeadershipPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipPublisher.class);

    private final int nodeId;
    private final Supplier<MetadataImage> images;
    private final Consumer<MetadataRecord> proposer;
    private final ReplicationConfig config;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier clockMs;
    private final ExecutorService proposals;
    private final ExecutorService wakes;
    private final Set<RaftGroupId> wakesInFlight = ConcurrentHashMap.newKeySet();
    private final Map<RaftGroupId, IsrState> leading = new ConcurrentHashMap<>();
    private final Set<RaftGroupId> inFlight = ConcurrentHashMap.newKeySet();
    private volatile ReplicaManager replicas;
    private ScheduledFuture<?> task;

    private enum FirstHandover { NOT_STARTED, UNDER_WAY, FAILED }

    /** A leader's view of its followers in one term. */
    private static final class IsrState {
        final long term;
        final Map<RaftPeerId, Long> caughtUpMs = new ConcurrentHashMap<>();
        long leaderLastIndex;
        /** {@link #leaderLastIndex} was recorded by an earlier check of this term. */
        boolean checkedBefore;
        /** Followers that matched the leader's log and were heard from within the heartbeat interval, this check. */
        final Set<Integer> fresh = new HashSet<>();
        long preferredInIsrSinceMs = -1;
        long lastTransferMs = -1;
        /** This term's hand-over of a new partition to its preferred replica ({@link #withholdForPreferred}). */
        volatile FirstHandover firstHandover = FirstHandover.NOT_STARTED;
        volatile List<Integer> isr = List.of();
        volatile int assigned;

        IsrState(long term) {
            this.term = term;
        }
    }

    public LeadershipPublisher(int nodeId, Supplier<MetadataImage> images, Consumer<MetadataRecord> proposer,
                               ReplicationConfig config, ScheduledExecutorService scheduler, LongSupplier clockMs) {
        this.nodeId = nodeId;
        this.images = images;
        this.proposer = proposer;
        this.config = config;
        this.scheduler = scheduler;
        this.clockMs = clockMs;
        this.proposals = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kayak-leadership-publisher-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        this.wakes = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kayak-partition-waker-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the periodic checks over {@code manager}'s replicas. */
    public synchronized void start(ReplicaManager manager) {
        this.replicas = manager;
        manager.wakeWith(this::wake);
        task = scheduler.scheduleWithFixedDelay(this::checkSafely, 0, config.isrCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** A {@link ReplicaManager.LeadershipObserver}: checks at once instead of at the next tick. */
    public void leaderChanged(TopicPartition partition, int leaderNode, long term) {
        if (replicas != null && leaderNode == nodeId) {
            try {
                scheduler.execute(this::checkSafely);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("Node {}: leadership check failed", nodeId, e);
        }
    }

    private synchronized void check() {
        ReplicaManager manager = replicas;
        if (manager == null) {
            return;
        }
        MetadataImage image = images.get();
        long now = clockMs.getAsLong();
        Set<RaftGroupId> seen = new HashSet<>();
        for (Replica r : manager.replicas()) {
            Optional<RaftServer.Division> d = manager.division(r);
            if (d.isEmpty() || !d.get().getInfo().isLeader() || !d.get().getInfo().isLeaderReady()) {
                continue;
            }
            seen.add(r.groupId);
            RaftServer.Division division = d.get();
            long term = division.getInfo().getCurrentTerm();
            IsrState state = leading.get(r.groupId);
            if (state == null || state.term != term) {
                state = new IsrState(term);
                leading.put(r.groupId, state);
            }
            List<Integer> isr = updateIsr(state, division, now);
            state.isr = isr;
            state.assigned = division.getGroup().getPeers().size();
            if (withholdForPreferred(manager, image, r, state)) {
                continue;
            }
            publishIfChanged(image, r, (int) term, isr);
            maybeRestorePreferred(manager, image, r, state, now);
            maybeQuiesce(image, r, division, (int) term);
        }
        leading.keySet().retainAll(seen);
    }

    private List<Integer> updateIsr(IsrState state, RaftServer.Division division, long now) {
        List<ServerRpcProto> followers = division.getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
        long[] match = division.getInfo().getFollowerMatchIndices();
        long previousLeaderLast = state.leaderLastIndex;
        List<Integer> isr = new ArrayList<>();
        isr.add(nodeId);
        state.fresh.clear();
        for (int i = 0; i < followers.size() && i < match.length; i++) {
            ServerRpcProto f = followers.get(i);
            RaftPeerId peer = RaftPeerId.valueOf(f.getId().getId());
            long since = state.caughtUpMs.computeIfAbsent(peer, p -> now);
            if (match[i] >= previousLeaderLast) {
                since = now;
                state.caughtUpMs.put(peer, now);
            }
            boolean inContact = f.getLastRpcElapsedTimeMs() <= config.replicaLagTimeMaxMs();
            if (state.checkedBefore && match[i] >= previousLeaderLast
                    && f.getLastRpcElapsedTimeMs() <= config.electionTimeoutMinMs()) {
                state.fresh.add(PartitionGroups.nodeId(peer));
            }
            if (inContact && now - since <= config.replicaLagTimeMaxMs()) {
                isr.add(PartitionGroups.nodeId(peer));
            }
        }
        state.leaderLastIndex = division.getRaftLog().getLastEntryTermIndex() == null ? 0
                : division.getRaftLog().getLastEntryTermIndex().getIndex();
        state.checkedBefore = true;
        List<Integer> sorted = new ArrayList<>(isr.subList(1, isr.size()));
        sorted.sort(Integer::compare);
        sorted.add(0, nodeId);
        return List.copyOf(sorted);
    }

    /**
     * Kafka's automatic preferred-leader election, per partition: once the preferred (first assigned) replica
     * has been in the ISR for {@code leader.imbalance.check.interval.seconds} and is caught up right now, the
     * leader transfers leadership to it; attempts are at least that interval apart. Ratis blocks writes to the
     * partition while a transfer is pending (clients see a retriable error), so a transfer only starts when
     * the preferred replica can take over at once, and gives up after the maximum election timeout.
     */
    private void maybeRestorePreferred(ReplicaManager manager, MetadataImage image, Replica r, IsrState state, long now) {
        if (!config.autoLeaderRebalance()) {
            return;
        }
        List<Integer> assigned = Replica.assigned(image, r.topicId, r.partition.partition());
        if (assigned.isEmpty() || assigned.get(0) == nodeId || !state.isr.contains(assigned.get(0))) {
            state.preferredInIsrSinceMs = -1;
            return;
        }
        if (state.preferredInIsrSinceMs < 0) {
            state.preferredInIsrSinceMs = now;
        }
        long interval = config.leaderImbalanceCheckIntervalMs();
        if (now - state.preferredInIsrSinceMs < interval || (state.lastTransferMs >= 0 && now - state.lastTransferMs < interval)
                || !state.fresh.contains(assigned.get(0))) {
            return;
        }
        state.lastTransferMs = now;
        LOG.info("Node {}: handing leadership of {} back to its preferred replica {}", nodeId, r.partition, assigned.get(0));
        manager.transferToPreferred(r.partition, config.electionTimeoutMaxMs()).whenComplete((ok, e) -> {
            if (e != null || !Boolean.TRUE.equals(ok)) {
                LOG.info("Node {}: leadership of {} stays here for now: {}", nodeId, r.partition,
                        e != null ? e.toString() : "the transfer was refused or timed out");
            }
        });
    }

    /**
     * Kafka leads a new partition from its preferred (first assigned) replica; a Raft group elects whichever replica
     * times out first. So a leader of a partition that has never had a leader published, which is not its preferred
     * replica, hands leadership to the preferred one (if its broker is registered and unfenced) and publishes
     * nothing meanwhile: clients see no leader until the lasting one, never a leader change right after creation.
     * If the hand-over fails or times out (the maximum election timeout), this leader publishes itself at the next
     * check. Returns whether publishing waits.
     */
    private boolean withholdForPreferred(ReplicaManager manager, MetadataImage image, Replica r, IsrState state) {
        if (!config.firstLeaderPreferred() || state.firstHandover == FirstHandover.FAILED) {
            return false;
        }
        Optional<PartitionImage> recorded = r.recorded(image);
        if (recorded.isEmpty() || recorded.get().leaderEpoch() >= 0 || recorded.get().replicas().isEmpty()) {
            return false;
        }
        int preferred = recorded.get().replicas().get(0);
        if (preferred == nodeId || image.broker(preferred).map(b -> b.fenced()).orElse(true)) {
            return false;
        }
        if (state.firstHandover == FirstHandover.NOT_STARTED) {
            state.firstHandover = FirstHandover.UNDER_WAY;
            LOG.info("Node {}: won the first election of {}; handing it to its preferred replica {} before publishing",
                    nodeId, r.partition, preferred);
            manager.transferToPreferred(r.partition, config.electionTimeoutMaxMs()).whenComplete((ok, e) -> {
                if (e != null || !Boolean.TRUE.equals(ok)) {
                    LOG.info("Node {}: {} stays led here; the hand-over to node {} failed: {}", nodeId, r.partition,
                            preferred, e != null ? e.toString() : "refused or timed out");
                    state.firstHandover = FirstHandover.FAILED;
                    try {
                        scheduler.execute(this::checkSafely);
                    } catch (RejectedExecutionException rejected) {
                        // shutting down
                    }
                }
            });
        }
        return true;
    }

    /**
     * Proposes to quiesce a partition this node leads at the recorded epoch once it took no write for
     * {@code kayak.replication.quiesce.ms}, every replica is in the recorded ISR and every follower holds the
     * leader's whole log, committed and applied: then every replica's log ends at the same high watermark, which the
     * record carries. Writes arriving meanwhile see {@link Replica#quiescing} and wake the partition instead; one
     * already submitted keeps it running (the in-flight count is checked after the flag is set).
     */
    private void maybeQuiesce(MetadataImage image, Replica r, RaftServer.Division division, int term) {
        long quietNanos = TimeUnit.MILLISECONDS.toNanos(config.quiesceMs());
        if (config.quiesceMs() <= 0 || r.quiescing || System.nanoTime() - r.lastWriteNanos < quietNanos
                || inFlight.contains(r.groupId)) {
            return;
        }
        Optional<PartitionImage> recorded = r.recorded(image);
        if (recorded.isEmpty() || recorded.get().quiesced() || recorded.get().leader() != nodeId
                || recorded.get().leaderEpoch() != term || !recorded.get().isr().containsAll(recorded.get().replicas())
                || !fullyReplicated(division)) {
            return;
        }
        r.quiescing = true;
        if (r.writesInFlight.get() > 0 || !fullyReplicated(division) || r.stateMachine() == null || !inFlight.add(r.groupId)) {
            r.quiescing = false;
            return;
        }
        long highWatermark = r.stateMachine().highWatermark();
        PartitionQuiesceRecord record = new PartitionQuiesceRecord(r.topicId, r.partition.partition(), nodeId, term, true,
                highWatermark);
        try {
            proposals.execute(() -> {
                try {
                    proposer.accept(record);
                    LOG.info("Node {}: quiesced {} at high watermark {} after {} ms without writes", nodeId, r.partition,
                            highWatermark, config.quiesceMs());
                } catch (RuntimeException e) {
                    LOG.info("Node {}: {} keeps running: {}", nodeId, r.partition, e.getMessage());
                } finally {
                    r.quiescing = false; // the image now gates writes, or the partition keeps running
                    inFlight.remove(r.groupId);
                }
            });
        } catch (RejectedExecutionException e) {
            r.quiescing = false;
            inFlight.remove(r.groupId);
        }
    }

    /** Every follower holds the leader's whole log, and all of it is committed and applied here. */
    private static boolean fullyReplicated(RaftServer.Division division) {
        org.apache.ratis.server.protocol.TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        long lastIndex = last == null ? 0 : last.getIndex();
        if (division.getRaftLog().getLastCommittedIndex() != lastIndex || division.getInfo().getLastAppliedIndex() != lastIndex) {
            return false;
        }
        long[] match = division.getInfo().getFollowerMatchIndices();
        if (match.length + 1 != division.getGroup().getPeers().size()) {
            return false;
        }
        for (long m : match) {
            if (m != lastIndex) {
                return false;
            }
        }
        return true;
    }

    /**
     * Proposes to wake a quiesced partition (a write arrived); at most one wake-up per partition is in flight,
     * and one for a partition already running changes nothing.
     */
    void wake(Replica r) {
        if (!wakesInFlight.add(r.groupId)) {
            return;
        }
        try {
            wakes.execute(() -> {
                try {
                    proposer.accept(PartitionQuiesceRecord.wake(r.topicId, r.partition.partition()));
                    LOG.info("Node {}: woke {} for a write", nodeId, r.partition);
                } catch (RuntimeException e) {
                    LOG.warn("Node {}: waking {} failed: {}", nodeId, r.partition, e.getMessage());
                } finally {
                    wakesInFlight.remove(r.groupId);
                }
            });
        } catch (RejectedExecutionException e) {
            wakesInFlight.remove(r.groupId);
        }
    }

    private void publishIfChanged(MetadataImage image, Replica r, int epoch, List<Integer> isr) {
        Optional<PartitionImage> recorded = r.recorded(image);
        if (recorded.isEmpty()) {
            return; // topic deleted; the replica goes away with the next reconciliation
        }
        PartitionImage p = recorded.get();
        if (p.quiesced()) {
            return; // the division is about to stop: a leader elected meanwhile is not the partition's leader
        }
        if (p.leader() == nodeId && p.leaderEpoch() == epoch && new HashSet<>(p.isr()).equals(new HashSet<>(isr))) {
            return;
        }
        if (p.leaderEpoch() > epoch || !inFlight.add(r.groupId)) {
            return;
        }
        PartitionLeaderRecord record = new PartitionLeaderRecord(r.topicId, r.partition.partition(), nodeId, epoch, isr);
        try {
            proposals.execute(() -> {
                try {
                    proposer.accept(record);
                    LOG.info("Node {}: published leadership of {}: epoch {}, ISR {}", nodeId, r.partition, epoch, isr);
                } catch (RuntimeException e) {
                    LOG.warn("Node {}: publishing leadership of {} failed: {}", nodeId, r.partition, e.getMessage());
                } finally {
                    inFlight.remove(r.groupId);
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(r.groupId);
        }
    }

    /** The ISR this node last computed for a partition it leads, or empty if it does not lead it. */
    Optional<List<Integer>> computedIsr(Replica r) {
        IsrState s = leading.get(r.groupId);
        return s == null ? Optional.empty() : Optional.of(s.isr);
    }

    /** Partitions this node leads whose ISR lacks some assigned replica. */
    public long underReplicatedCount() {
        return leading.values().stream().filter(s -> s.isr.size() < s.assigned).count();
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.cancel(false);
        }
        proposals.shutdownNow();
        wakes.shutdownNow();
        replicas = null;
    }
}
