package io.kayak.broker.group;

import com.codahale.metrics.MetricRegistry;
import io.kayak.metadata.ApplyResult;
import io.kayak.metadata.CommittedOffset;
import io.kayak.metadata.GroupImage;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.TopicImage;
import io.kayak.metadata.record.CommitOffsetsRecord;
import io.kayak.metadata.record.DeleteGroupOffsetsRecord;
import io.kayak.metadata.record.GroupStateRecord;
import io.kayak.metadata.record.MetadataRecord;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's consumer-group coordinator: serves the groups {@link CoordinatorPlacement} gives it, keeps their
 * {@link ClassicGroup} state in memory, and records in the metadata quorum what must outlive the node: committed
 * offsets ({@link CommitOffsetsRecord}), each group's generation, members and assignment when it becomes Stable or
 * Empty ({@link GroupStateRecord}), deletions ({@link DeleteGroupOffsetsRecord}).
 *
 * <p>Fail-over: when the coordinator node dies its lease expires, the placement moves its groups to live nodes,
 * members get NOT_COORDINATOR or a connection error, look the coordinator up again, and the new coordinator loads
 * each group from the image: Stable groups continue in the same generation (sessions restart), so members keep
 * heartbeating and committing without a rebalance. Committed offsets were quorum writes and are never lost. A
 * group whose last state change was not yet recorded comes back at the recorded generation: its members get
 * ILLEGAL_GENERATION and rejoin.
 *
 * <p>Thread model: requests arrive on Netty event loops and never block: each group is guarded by its own
 * monitor, and quorum writes run one at a time, in arrival order, on {@link #writer} (so a member's commits are
 * recorded in the order it sent them). {@link #timer} expires sessions and completes due rebalances every
 * {@link #TICK_MS}. Owns both executors and its metrics; {@link #close()} stops them.
 */
public final class GroupCoordinator implements GroupService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    static final long TICK_MS = 100;

    /** Records a change in the metadata quorum and waits until this node has applied it (read-your-writes). */
    @FunctionalInterface
    public interface GroupStore {
        ApplyResult write(MetadataRecord record);
    }

    private final int nodeId;
    private final GroupConfig config;
    private final Supplier<MetadataImage> image;
    private final GroupStore store;
    private final LongSupplier clock;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService writer;
    private final GroupMetrics metrics;

    public GroupCoordinator(int nodeId, GroupConfig config, Supplier<MetadataImage> image, GroupStore store,
                            LongSupplier clock, MetricRegistry registry) {
        this.nodeId = nodeId;
        this.config = config;
        this.image = image;
        this.store = store;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("kayak-group-timer-" + nodeId));
        this.writer = Executors.newSingleThreadExecutor(daemon("kayak-group-writer-" + nodeId));
        this.metrics = new GroupMetrics(registry, this::countsByState);
        timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::expireOffsets, config.retentionCheckIntervalMs(),
                config.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public int coordinator(String groupId) {
        return CoordinatorPlacement.coordinator(image.get(), groupId);
    }

    private boolean owns(String groupId) {
        return coordinator(groupId) == nodeId;
    }

    /**
     * The in-memory group, loaded from the recorded state when this node starts coordinating it; a new Empty group
     * when {@code create}; else null.
     */
    private ClassicGroup group(String groupId, boolean create) {
        ClassicGroup g = groups.get(groupId);
        if (g != null) {
            return g;
        }
        GroupImage recorded = image.get().group(groupId).orElse(null);
        if (recorded == null && !create) {
            return null;
        }
        long now = clock.getAsLong();
        return groups.computeIfAbsent(groupId, id -> recorded != null ? ClassicGroup.fromImage(recorded, config, now)
                : new ClassicGroup(id, config, now));
    }

    /** Runs {@code op} on the group under its monitor, then records what changed. */
    private <T> T locked(ClassicGroup g, Function<ClassicGroup, T> op) {
        synchronized (g) {
            T result = op.apply(g);
            afterChange(g);
            return result;
        }
    }

    private void afterChange(ClassicGroup g) {
        long rebalances = g.takeRebalances();
        if (rebalances > 0) {
            metrics.rebalances.mark(rebalances);
        }
        long expired = g.takeSessionsExpired();
        if (expired > 0) {
            metrics.membersExpired.mark(expired);
        }
        if (g.takeDirty() && g.state() != ClassicGroup.State.DEAD) {
            GroupImage snapshot = g.toImage();
            writer.execute(() -> {
                try {
                    store.write(new GroupStateRecord(snapshot));
                } catch (RuntimeException e) {
                    LOG.warn("Could not record group {} at generation {}: {}", snapshot.groupId(), snapshot.generation(),
                            e.getMessage());
                }
            });
        }
    }

    private GroupError precheck(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return GroupError.INVALID_GROUP_ID;
        }
        return owns(groupId) ? GroupError.NONE : GroupError.NOT_COORDINATOR;
    }

    // ---- membership ----

    @Override
    public CompletableFuture<JoinResult> join(JoinRequest r) {
        GroupError e = precheck(r.groupId());
        if (e == GroupError.NONE && (r.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || r.sessionTimeoutMs() > config.maxSessionTimeoutMs())) {
            e = GroupError.INVALID_SESSION_TIMEOUT;
        }
        if (e != GroupError.NONE) {
            return CompletableFuture.completedFuture(JoinResult.failed(e, r.memberId()));
        }
        return locked(group(r.groupId(), true), g -> g.join(r, clock.getAsLong()));
    }

    @Override
    public CompletableFuture<SyncResult> sync(SyncRequest r) {
        GroupError e = precheck(r.groupId());
        ClassicGroup g = e == GroupError.NONE ? group(r.groupId(), false) : null;
        if (g == null) {
            return CompletableFuture.completedFuture(SyncResult.failed(e == GroupError.NONE ? GroupError.UNKNOWN_MEMBER_ID : e));
        }
        return locked(g, x -> x.sync(r, clock.getAsLong()));
    }

    @Override
    public GroupError heartbeat(String groupId, String memberId, String instanceId, int generation) {
        GroupError e = precheck(groupId);
        ClassicGroup g = e == GroupError.NONE ? group(groupId, false) : null;
        if (g == null) {
            return e == GroupError.NONE ? GroupError.UNKNOWN_MEMBER_ID : e;
        }
        return locked(g, x -> x.heartbeat(memberId, instanceId, generation, clock.getAsLong()));
    }

    @Override
    public LeaveResult leave(String groupId, List<MemberRef> members) {
        GroupError e = precheck(groupId);
        if (e != GroupError.NONE) {
            return new LeaveResult(e, members.stream().map(m -> e).toList());
        }
        ClassicGroup g = group(groupId, false);
        if (g == null) {
            return new LeaveResult(GroupError.NONE, members.stream().map(m -> GroupError.UNKNOWN_MEMBER_ID).toList());
        }
        return new LeaveResult(GroupError.NONE, locked(g, x -> x.leave(members, clock.getAsLong())));
    }

    // ---- offsets ----

    /**
     * As Kafka's classic coordinator (OffsetCommit before v9): a commit with generation -1 creates a group that does
     * not exist (a simple group of a consumer with manual assignment); one with a generation to a group that does
     * not exist (no members, no recorded state, no offsets) is ILLEGAL_GENERATION and creates nothing.
     */
    @Override
    public CompletableFuture<Map<TopicPartition, GroupError>> commit(CommitRequest r) {
        GroupError e = precheck(r.groupId());
        if (e == GroupError.NONE && r.generation() >= 0 && group(r.groupId(), false) == null
                && image.get().offsets(r.groupId()).isEmpty()) {
            e = GroupError.ILLEGAL_GENERATION;
        }
        if (e == GroupError.NONE) {
            e = locked(group(r.groupId(), true), g -> g.checkCommit(r.generation(), r.memberId(), r.instanceId(),
                    clock.getAsLong()));
        }
        Map<TopicPartition, GroupError> out = new LinkedHashMap<>();
        if (e != GroupError.NONE) {
            GroupError all = e;
            r.offsets().keySet().forEach(tp -> out.put(tp, all));
            metrics.commitErrors.mark();
            return CompletableFuture.completedFuture(out);
        }
        MetadataImage img = image.get();
        List<CommittedOffset> valid = new ArrayList<>();
        long now = clock.getAsLong();
        r.offsets().forEach((tp, o) -> {
            GroupError pe = checkOffset(img, tp, o);
            out.put(tp, pe);
            if (pe == GroupError.NONE) {
                valid.add(new CommittedOffset(tp.topic(), tp.partition(), o.offset(), o.leaderEpoch(),
                        o.metadata() == null ? "" : o.metadata(), now));
            }
        });
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(out);
        }
        return CompletableFuture.supplyAsync(() -> {
            GroupError written = write(new CommitOffsetsRecord(r.groupId(), valid));
            for (CommittedOffset o : valid) {
                out.put(new TopicPartition(o.topic(), o.partition()), written);
            }
            if (written == GroupError.NONE) {
                metrics.commits.mark(valid.size());
            } else {
                metrics.commitErrors.mark();
            }
            return out;
        }, writer);
    }

    private GroupError checkOffset(MetadataImage img, TopicPartition tp, Offset o) {
        TopicImage t = img.topic(tp.topic()).orElse(null);
        if (t == null || tp.partition() < 0 || tp.partition() >= t.partitions().size()) {
            return GroupError.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (o.metadata() != null && o.metadata().length() > config.offsetMetadataMaxBytes()) {
            return GroupError.OFFSET_METADATA_TOO_LARGE;
        }
        return o.offset() < 0 ? GroupError.INVALID_COMMIT_OFFSET_SIZE : GroupError.NONE;
    }

    /** Writes on the writer thread; the error a client understands if the quorum refused or could not take it. */
    private GroupError write(MetadataRecord record) {
        try {
            store.write(record);
            return GroupError.NONE;
        } catch (MetadataRejectedException e) {
            return switch (e.code()) {
                case UNKNOWN_TOPIC -> GroupError.UNKNOWN_TOPIC_OR_PARTITION;
                case NON_EMPTY_GROUP -> GroupError.NON_EMPTY_GROUP;
                case UNKNOWN_GROUP -> GroupError.GROUP_ID_NOT_FOUND;
                default -> GroupError.COORDINATOR_NOT_AVAILABLE;
            };
        } catch (RuntimeException e) {
            LOG.warn("Recording {} for a group failed: {}", record.type(), e.getMessage());
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
    }

    @Override
    public OffsetsResult fetchOffsets(String groupId, List<TopicPartition> partitions) {
        GroupError e = precheck(groupId);
        if (e != GroupError.NONE) {
            return new OffsetsResult(e, Map.of());
        }
        Map<TopicPartition, Offset> out = new LinkedHashMap<>();
        image.get().offsets(groupId).forEach((tp, o) -> {
            TopicPartition k = new TopicPartition(tp.topic(), tp.partition());
            if (partitions == null || partitions.contains(k)) {
                out.put(k, new Offset(o.offset(), o.leaderEpoch(), o.metadata()));
            }
        });
        return new OffsetsResult(GroupError.NONE, out);
    }

    // ---- administration ----

    @Override
    public List<GroupOverview> listGroups() {
        MetadataImage img = image.get();
        Set<String> ids = new TreeSet<>(groups.keySet());
        ids.addAll(img.groups().keySet());
        ids.addAll(img.offsets().keySet());
        List<GroupOverview> out = new ArrayList<>();
        for (String id : ids) {
            if (CoordinatorPlacement.coordinator(img, id) != nodeId) {
                continue;
            }
            ClassicGroup g = groups.get(id);
            String recordedType = img.group(id).map(GroupImage::protocolType).orElse("");
            if (g == null) {
                out.add(new GroupOverview(id, recordedType, ClassicGroup.State.EMPTY.kafkaName));
                continue;
            }
            synchronized (g) {
                if (g.state() != ClassicGroup.State.DEAD) {
                    out.add(new GroupOverview(id, g.protocolType() == null ? recordedType : g.protocolType(),
                            g.state().kafkaName));
                }
            }
        }
        return out;
    }

    @Override
    public GroupDescription describe(String groupId) {
        GroupError e = precheck(groupId);
        if (e != GroupError.NONE) {
            return new GroupDescription(e, groupId, "", "", "", List.of());
        }
        ClassicGroup g = group(groupId, false);
        if (g == null) {
            boolean hasOffsets = !image.get().offsets(groupId).isEmpty();
            return new GroupDescription(GroupError.NONE, groupId, hasOffsets ? ClassicGroup.State.EMPTY.kafkaName
                    : ClassicGroup.State.DEAD.kafkaName, "", "", List.of());
        }
        synchronized (g) {
            return new GroupDescription(GroupError.NONE, groupId, g.state().kafkaName, nz(g.protocolType()), nz(g.protocol()),
                    g.describeMembers());
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    @Override
    public CompletableFuture<GroupError> delete(String groupId) {
        GroupError e = precheck(groupId);
        if (e != GroupError.NONE) {
            return CompletableFuture.completedFuture(e);
        }
        ClassicGroup g = group(groupId, false);
        MetadataImage img = image.get();
        if (g == null && img.offsets(groupId).isEmpty()) {
            return CompletableFuture.completedFuture(GroupError.GROUP_ID_NOT_FOUND);
        }
        if (g != null) {
            synchronized (g) {
                if (g.hasMembers() || g.state() != ClassicGroup.State.EMPTY) {
                    return CompletableFuture.completedFuture(
                            g.state() == ClassicGroup.State.DEAD ? GroupError.GROUP_ID_NOT_FOUND : GroupError.NON_EMPTY_GROUP);
                }
                g.markDead(clock.getAsLong());
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            GroupError written = write(new DeleteGroupOffsetsRecord(groupId, true, List.of()));
            if (written == GroupError.GROUP_ID_NOT_FOUND) {
                written = GroupError.NONE; // only this node's memory knew it: gone now
            }
            if (g != null) {
                synchronized (g) {
                    if (written == GroupError.NONE) {
                        groups.remove(groupId, g);
                    } else {
                        g.reviveEmpty(clock.getAsLong());
                    }
                }
            }
            return written;
        }, writer);
    }

    @Override
    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        GroupError e = precheck(groupId);
        ClassicGroup g = e == GroupError.NONE ? group(groupId, false) : null;
        if (e == GroupError.NONE && g == null && image.get().offsets(groupId).isEmpty()) {
            e = GroupError.GROUP_ID_NOT_FOUND;
        }
        if (e != GroupError.NONE) {
            return CompletableFuture.completedFuture(new OffsetDeleteResult(e, Map.of()));
        }
        Set<String> subscribed = g == null ? Set.of() : locked(g, x -> "consumer".equals(x.protocolType())
                ? x.subscribedTopics(GroupCoordinator::consumerTopics) : Set.<String>of());
        Map<TopicPartition, GroupError> out = new LinkedHashMap<>();
        List<io.kayak.metadata.TopicPartition> deletable = new ArrayList<>();
        MetadataImage img = image.get();
        for (TopicPartition tp : partitions) {
            if (img.topic(tp.topic()).isEmpty()) {
                out.put(tp, GroupError.UNKNOWN_TOPIC_OR_PARTITION);
            } else if (subscribed.contains(tp.topic())) {
                out.put(tp, GroupError.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                out.put(tp, GroupError.NONE);
                deletable.add(new io.kayak.metadata.TopicPartition(tp.topic(), tp.partition()));
            }
        }
        if (deletable.isEmpty()) {
            return CompletableFuture.completedFuture(new OffsetDeleteResult(GroupError.NONE, out));
        }
        return CompletableFuture.supplyAsync(() -> {
            GroupError written = write(new DeleteGroupOffsetsRecord(groupId, false, deletable));
            if (written != GroupError.NONE && written != GroupError.GROUP_ID_NOT_FOUND) {
                return new OffsetDeleteResult(written, Map.of());
            }
            return new OffsetDeleteResult(GroupError.NONE, out);
        }, writer);
    }

    /** The topics of a consumer-protocol subscription; nothing if it does not parse. */
    private static List<String> consumerTopics(byte[] metadata) {
        try {
            return ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    // ---- time ----

    private void tick() {
        try {
            long now = clock.getAsLong();
            for (ClassicGroup g : groups.values()) {
                if (!owns(g.groupId)) {
                    synchronized (g) {
                        g.abandon();
                        groups.remove(g.groupId, g);
                    }
                    continue;
                }
                locked(g, x -> {
                    x.tick(now);
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOG.error("Group coordinator tick failed", e);
        }
    }

    /** Deletes the offsets of groups that have been empty for {@link GroupConfig#offsetsRetentionMs}. */
    void expireOffsets() {
        try {
            MetadataImage img = image.get();
            long now = clock.getAsLong();
            Set<String> ids = new TreeSet<>(img.offsets().keySet());
            ids.addAll(img.groups().keySet());
            for (String id : ids) {
                if (CoordinatorPlacement.coordinator(img, id) != nodeId) {
                    continue;
                }
                long since = img.group(id).map(GroupImage::stateTimestampMs).orElse(0L);
                for (CommittedOffset o : img.offsets(id).values()) {
                    since = Math.max(since, o.commitTimeMs());
                }
                ClassicGroup g = groups.get(id);
                if (g != null) {
                    synchronized (g) {
                        if (g.hasMembers() || g.state() != ClassicGroup.State.EMPTY) {
                            continue;
                        }
                        since = Math.max(since, g.stateTimestampMs());
                    }
                }
                if (now - since >= config.offsetsRetentionMs()) {
                    LOG.info("Group {} has been empty since {}: deleting its offsets", id, since);
                    delete(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Offset expiry failed", e);
        }
    }

    private Map<ClassicGroup.State, Long> countsByState() {
        Map<ClassicGroup.State, Long> counts = new EnumMap<>(ClassicGroup.State.class);
        for (ClassicGroup g : groups.values()) {
            synchronized (g) {
                counts.merge(g.state(), 1L, Long::sum);
            }
        }
        return counts;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        writer.shutdownNow();
        metrics.close();
    }
}
