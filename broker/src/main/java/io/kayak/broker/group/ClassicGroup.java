package io.kayak.broker.group;

import io.kayak.metadata.GroupImage;
import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService.JoinRequest;
import io.kayak.network.service.GroupService.JoinResult;
import io.kayak.network.service.GroupService.JoinedMember;
import io.kayak.network.service.GroupService.MemberDescription;
import io.kayak.network.service.GroupService.MemberRef;
import io.kayak.network.service.GroupService.Protocol;
import io.kayak.network.service.GroupService.SyncRequest;
import io.kayak.network.service.GroupService.SyncResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One consumer group under Kafka's classic rebalance protocol: the state machine
 * Empty -> PreparingRebalance -> CompletingRebalance -> Stable (and back to PreparingRebalance whenever membership
 * or subscriptions change), plus Dead while the group is being deleted.
 *
 * <ul>
 *   <li>PreparingRebalance collects JoinGroups: it completes when every known member (and every member that was
 *   told MEMBER_ID_REQUIRED) has rejoined, or at the rebalance timeout, dropping members that did not. An empty
 *   group's first rebalance waits {@link GroupConfig#initialRebalanceDelayMs} instead, extended while members keep
 *   arriving, so a starting fleet lands in one generation.</li>
 *   <li>Completing the join bumps the generation, selects the protocol every member supports with the most
 *   first-choice votes, and answers every member; the leader also gets everyone's metadata.</li>
 *   <li>CompletingRebalance waits for the leader's SyncGroup, which carries the assignment; then Stable. Every
 *   member must send its SyncGroup within the rebalance timeout of the join: those that have not by then (a
 *   leader that heartbeats but never syncs would otherwise keep the others waiting forever) are removed and the
 *   group rebalances, as in Kafka.</li>
 *   <li>Members whose session runs out without a heartbeat are removed and the group rebalances. Static members
 *   ({@code group.instance.id}) that come back under a new member id take their old place and assignment without
 *   a rebalance; the old id is fenced.</li>
 * </ul>
 *
 * <p>Not thread-safe: the {@link GroupCoordinator} calls every method holding this object's monitor. Futures
 * returned here may be completed later by another call ({@link #tick}, another member's join or sync).
 * {@link #takeDirty} tells the coordinator when the state should be recorded in the metadata quorum (the group
 * became Stable or Empty, or a static member changed its id).
 */
final class ClassicGroup {
    enum State {
        EMPTY("Empty"), PREPARING_REBALANCE("PreparingRebalance"), COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable"), DEAD("Dead");

        final String kafkaName;

        State(String kafkaName) {
            this.kafkaName = kafkaName;
        }
    }

    final String groupId;
    private final GroupConfig config;
    private State state = State.EMPTY;
    private int generation;
    private String protocolType;
    private String protocol;
    private String leaderId;
    private long stateTimestampMs;
    private final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** {@code group.instance.id} -> current member id. */
    private final Map<String, String> staticMembers = new HashMap<>();
    /** Members told MEMBER_ID_REQUIRED, until they rejoin or this deadline passes. */
    private final Map<String, Long> pendingMembers = new HashMap<>();
    /** Members of this generation that have not sent their SyncGroup yet, until {@link #syncDeadlineMs}. */
    private final Set<String> pendingSync = new HashSet<>();
    private long syncDeadlineMs;
    private long joinDeadlineMs;
    private boolean initialDelay;
    private long initialDelayEndMs;
    private boolean joinedDuringDelay;
    private boolean dirty;
    private long rebalances;
    private long sessionsExpired;

    ClassicGroup(String groupId, GroupConfig config, long nowMs) {
        this.groupId = groupId;
        this.config = config;
        this.stateTimestampMs = nowMs;
    }

    /** The group as recorded: Stable with its members (their sessions restart now), or Empty. */
    static ClassicGroup fromImage(GroupImage image, GroupConfig config, long nowMs) {
        ClassicGroup g = new ClassicGroup(image.groupId(), config, image.stateTimestampMs());
        g.generation = image.generation();
        if (image.members().isEmpty()) {
            return g;
        }
        g.state = State.STABLE;
        g.protocolType = image.protocolType();
        g.protocol = image.protocol();
        g.leaderId = image.leaderId();
        for (GroupImage.Member m : image.members()) {
            GroupMember member = new GroupMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
                    m.sessionTimeoutMs(), m.rebalanceTimeoutMs(), image.protocolType(),
                    List.of(new Protocol(image.protocol(), m.subscription())));
            member.assignment = m.assignment();
            member.heartbeat(nowMs);
            g.members.put(m.memberId(), member);
            if (m.instanceId() != null) {
                g.staticMembers.put(m.instanceId(), m.memberId());
            }
        }
        return g;
    }

    GroupImage toImage() {
        List<GroupImage.Member> ms = new ArrayList<>();
        for (GroupMember m : members.values()) {
            ms.add(new GroupImage.Member(m.memberId, m.instanceId, m.clientId, m.clientHost, m.sessionTimeoutMs,
                    m.rebalanceTimeoutMs, m.metadata(protocol), m.assignment));
        }
        return new GroupImage(groupId, nz(protocolType), nz(protocol), generation, nz(leaderId), stateTimestampMs, ms);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    State state() {
        return state;
    }

    int generation() {
        return generation;
    }

    String protocolType() {
        return protocolType;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    /** Rebalances started since the last call. */
    long takeRebalances() {
        long r = rebalances;
        rebalances = 0;
        return r;
    }

    /** Members removed since the last call because their session ran out without a heartbeat. */
    long takeSessionsExpired() {
        long e = sessionsExpired;
        sessionsExpired = 0;
        return e;
    }

    /** This node stops coordinating the group: whoever waits is told to find the new coordinator. */
    void abandon() {
        for (GroupMember m : members.values()) {
            if (m.awaitingJoin != null) {
                m.awaitingJoin.complete(JoinResult.failed(GroupError.NOT_COORDINATOR, m.memberId));
                m.awaitingJoin = null;
            }
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(SyncResult.failed(GroupError.NOT_COORDINATOR));
                m.awaitingSync = null;
            }
        }
    }

    /** The topics the members subscribe to, as parsed by {@code subscription} from their protocol metadata. */
    java.util.Set<String> subscribedTopics(java.util.function.Function<byte[], List<String>> subscription) {
        java.util.Set<String> topics = new java.util.HashSet<>();
        if (state == State.EMPTY || state == State.DEAD || protocol == null) {
            return topics;
        }
        for (GroupMember m : members.values()) {
            topics.addAll(subscription.apply(m.metadata(protocol)));
        }
        return topics;
    }

    boolean hasMembers() {
        return !members.isEmpty() || !pendingMembers.isEmpty();
    }

    /** Whether the state changed in a way worth recording since the last call. */
    boolean takeDirty() {
        boolean d = dirty;
        dirty = false;
        return d;
    }

    /** Deleting: refuses everything until the coordinator forgets the group. */
    void markDead(long nowMs) {
        state = State.DEAD;
        stateTimestampMs = nowMs;
    }

    void reviveEmpty(long nowMs) {
        state = State.EMPTY;
        stateTimestampMs = nowMs;
    }

    // ---- JoinGroup ----

    CompletableFuture<JoinResult> join(JoinRequest r, long nowMs) {
        if (state == State.DEAD) {
            return done(JoinResult.failed(GroupError.COORDINATOR_NOT_AVAILABLE, r.memberId()));
        }
        if (!acceptsProtocols(r)) {
            return done(JoinResult.failed(GroupError.INCONSISTENT_GROUP_PROTOCOL, r.memberId()));
        }
        return r.memberId().isEmpty() ? joinNewMember(r, nowMs) : joinKnownMember(r, nowMs);
    }

    private boolean acceptsProtocols(JoinRequest r) {
        if (r.protocolType() == null || r.protocolType().isEmpty() || r.protocols().isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!r.protocolType().equals(protocolType)) {
            return false;
        }
        return r.protocols().stream().anyMatch(p -> members.values().stream()
                .allMatch(m -> m.memberId.equals(r.memberId()) || m.supports(p.name())));
    }

    private CompletableFuture<JoinResult> joinNewMember(JoinRequest r, long nowMs) {
        String memberId = (r.clientId() == null ? "" : r.clientId()) + "-" + UUID.randomUUID();
        if (r.instanceId() != null) {
            String old = staticMembers.get(r.instanceId());
            if (old != null) {
                return replaceStaticMember(old, memberId, r, nowMs);
            }
        }
        if (members.size() + pendingMembers.size() >= config.maxSize()) {
            return done(JoinResult.failed(GroupError.GROUP_MAX_SIZE_REACHED, ""));
        }
        if (r.instanceId() == null && r.requireKnownMemberId()) {
            pendingMembers.put(memberId, nowMs + r.sessionTimeoutMs());
            return done(JoinResult.failed(GroupError.MEMBER_ID_REQUIRED, memberId));
        }
        return addMember(memberId, r, nowMs);
    }

    private CompletableFuture<JoinResult> addMember(String memberId, JoinRequest r, long nowMs) {
        GroupMember m = new GroupMember(memberId, r.instanceId(), r.clientId(), r.clientHost(), r.sessionTimeoutMs(),
                r.rebalanceTimeoutMs(), r.protocolType(), r.protocols());
        m.heartbeat(nowMs);
        if (members.isEmpty()) {
            protocolType = r.protocolType();
        }
        members.put(memberId, m);
        if (r.instanceId() != null) {
            staticMembers.put(r.instanceId(), memberId);
        }
        joinedDuringDelay = true;
        return awaitJoin(m, nowMs);
    }

    private CompletableFuture<JoinResult> joinKnownMember(JoinRequest r, long nowMs) {
        if (pendingMembers.remove(r.memberId()) != null) {
            return addMember(r.memberId(), r, nowMs);
        }
        if (fenced(r.memberId(), r.instanceId())) {
            return done(JoinResult.failed(GroupError.FENCED_INSTANCE_ID, r.memberId()));
        }
        GroupMember m = members.get(r.memberId());
        if (m == null) {
            return done(JoinResult.failed(GroupError.UNKNOWN_MEMBER_ID, r.memberId()));
        }
        boolean sameProtocols = m.sameProtocols(r.protocols());
        update(m, r);
        return switch (state) {
            case PREPARING_REBALANCE -> awaitJoin(m, nowMs);
            case COMPLETING_REBALANCE -> sameProtocols ? done(currentGeneration(m, false)) : awaitJoin(m, nowMs);
            case STABLE -> sameProtocols && !m.memberId.equals(leaderId) ? done(currentGeneration(m, false))
                    : awaitJoin(m, nowMs);
            default -> done(JoinResult.failed(GroupError.UNKNOWN_MEMBER_ID, r.memberId()));
        };
    }

    /**
     * A static member restarted: it takes its old place (and assignment) under a new member id. A Stable group
     * does not rebalance unless the member's protocols would change the group's selected protocol (its metadata,
     * which carries e.g. owned partitions, naturally differs after a restart).
     */
    private CompletableFuture<JoinResult> replaceStaticMember(String oldId, String newId, JoinRequest r, long nowMs) {
        GroupMember old = members.get(oldId);
        GroupMember m = old.withId(newId, r.clientId(), r.clientHost());
        LinkedHashMap<String, GroupMember> reordered = new LinkedHashMap<>();
        members.forEach((id, member) -> reordered.put(id.equals(oldId) ? newId : id, id.equals(oldId) ? m : member));
        members.clear();
        members.putAll(reordered);
        staticMembers.put(r.instanceId(), newId);
        if (oldId.equals(leaderId)) {
            leaderId = newId;
        }
        if (pendingSync.remove(oldId)) {
            pendingSync.add(newId);
        }
        if (old.awaitingJoin != null) {
            old.awaitingJoin.complete(JoinResult.failed(GroupError.FENCED_INSTANCE_ID, oldId));
        }
        if (old.awaitingSync != null) {
            old.awaitingSync.complete(SyncResult.failed(GroupError.FENCED_INSTANCE_ID));
        }
        update(m, r);
        m.heartbeat(nowMs);
        if (state == State.STABLE && selectProtocol().equals(protocol)) {
            dirty = true; // the new member id must survive a coordinator fail-over
            return done(currentGeneration(m, true));
        }
        return awaitJoin(m, nowMs);
    }

    private static void update(GroupMember m, JoinRequest r) {
        m.sessionTimeoutMs = r.sessionTimeoutMs();
        m.rebalanceTimeoutMs = r.rebalanceTimeoutMs();
        m.protocolType = r.protocolType();
        m.protocols = List.copyOf(r.protocols());
    }

    private CompletableFuture<JoinResult> awaitJoin(GroupMember m, long nowMs) {
        if (m.awaitingJoin != null) {
            m.awaitingJoin.complete(JoinResult.failed(GroupError.REBALANCE_IN_PROGRESS, m.memberId));
        }
        CompletableFuture<JoinResult> f = new CompletableFuture<>();
        m.awaitingJoin = f;
        if (state != State.PREPARING_REBALANCE) {
            prepareRebalance(nowMs);
        }
        tryCompleteJoin(nowMs);
        return f;
    }

    private JoinResult currentGeneration(GroupMember m, boolean skipAssignment) {
        boolean leader = m.memberId.equals(leaderId);
        return new JoinResult(GroupError.NONE, generation, protocolType, protocol, leaderId, m.memberId,
                leader ? joinedMembers() : List.of(), leader && skipAssignment);
    }

    private List<JoinedMember> joinedMembers() {
        List<JoinedMember> out = new ArrayList<>(members.size());
        for (GroupMember m : members.values()) {
            out.add(new JoinedMember(m.memberId, m.instanceId, m.metadata(protocol)));
        }
        return out;
    }

    private void prepareRebalance(long nowMs) {
        if (state == State.COMPLETING_REBALANCE) {
            for (GroupMember m : members.values()) {
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(SyncResult.failed(GroupError.REBALANCE_IN_PROGRESS));
                    m.awaitingSync = null;
                }
            }
        }
        boolean first = state == State.EMPTY;
        state = State.PREPARING_REBALANCE;
        pendingSync.clear();
        stateTimestampMs = nowMs;
        rebalances++;
        long timeout = maxRebalanceTimeoutMs();
        initialDelay = first && config.initialRebalanceDelayMs() > 0;
        joinedDuringDelay = false;
        initialDelayEndMs = nowMs + timeout;
        joinDeadlineMs = nowMs + (initialDelay ? Math.min(config.initialRebalanceDelayMs(), timeout) : timeout);
    }

    private long maxRebalanceTimeoutMs() {
        long max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    private void tryCompleteJoin(long nowMs) {
        if (state != State.PREPARING_REBALANCE || initialDelay) {
            return;
        }
        if (pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null)) {
            completeJoin(nowMs);
        }
    }

    private void completeJoin(long nowMs) {
        for (GroupMember m : new ArrayList<>(members.values())) {
            if (m.awaitingJoin == null) {
                remove(m);
            }
        }
        initialDelay = false;
        generation++;
        stateTimestampMs = nowMs;
        dirty = true;
        if (members.isEmpty()) {
            state = State.EMPTY;
            protocol = null;
            leaderId = null;
            return;
        }
        protocol = selectProtocol();
        if (leaderId == null || !members.containsKey(leaderId)) {
            leaderId = members.keySet().iterator().next();
        }
        state = State.COMPLETING_REBALANCE;
        pendingSync.clear();
        pendingSync.addAll(members.keySet());
        syncDeadlineMs = nowMs + maxRebalanceTimeoutMs();
        List<JoinedMember> all = joinedMembers();
        for (GroupMember m : members.values()) {
            CompletableFuture<JoinResult> f = m.awaitingJoin;
            m.awaitingJoin = null;
            m.assignment = new byte[0];
            m.heartbeat(nowMs);
            f.complete(new JoinResult(GroupError.NONE, generation, protocolType, protocol, leaderId, m.memberId,
                    m.memberId.equals(leaderId) ? all : List.of(), false));
        }
    }

    /** The protocol every member supports that most members list first; ties go to the first member's order. */
    private String selectProtocol() {
        GroupMember first = members.values().iterator().next();
        List<String> candidates = new ArrayList<>();
        for (Protocol p : first.protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                candidates.add(p.name());
            }
        }
        Map<String, Integer> votes = new HashMap<>();
        for (GroupMember m : members.values()) {
            m.protocols.stream().map(Protocol::name).filter(candidates::contains).findFirst()
                    .ifPresent(p -> votes.merge(p, 1, Integer::sum));
        }
        String best = candidates.get(0);
        for (String c : candidates) {
            if (votes.getOrDefault(c, 0) > votes.getOrDefault(best, 0)) {
                best = c;
            }
        }
        return best;
    }

    // ---- SyncGroup, Heartbeat, LeaveGroup ----

    CompletableFuture<SyncResult> sync(SyncRequest r, long nowMs) {
        GroupError e = checkMember(r.memberId(), r.instanceId(), r.generation());
        if (e == GroupError.NONE && ((r.protocolType() != null && !r.protocolType().equals(protocolType))
                || (r.protocolName() != null && !r.protocolName().equals(protocol)))) {
            e = GroupError.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (e != GroupError.NONE) {
            return done(SyncResult.failed(e));
        }
        GroupMember m = members.get(r.memberId());
        m.heartbeat(nowMs);
        if (state == State.PREPARING_REBALANCE) {
            return done(SyncResult.failed(GroupError.REBALANCE_IN_PROGRESS));
        }
        pendingSync.remove(m.memberId);
        if (state == State.STABLE) {
            return done(new SyncResult(GroupError.NONE, protocolType, protocol, m.assignment));
        }
        CompletableFuture<SyncResult> f = new CompletableFuture<>();
        if (m.awaitingSync != null) {
            m.awaitingSync.complete(SyncResult.failed(GroupError.REBALANCE_IN_PROGRESS));
        }
        m.awaitingSync = f;
        if (m.memberId.equals(leaderId)) {
            for (GroupMember x : members.values()) {
                byte[] a = r.assignments().get(x.memberId);
                x.assignment = a == null ? new byte[0] : a;
            }
            state = State.STABLE;
            stateTimestampMs = nowMs;
            dirty = true;
            for (GroupMember x : members.values()) {
                if (x.awaitingSync != null) {
                    x.awaitingSync.complete(new SyncResult(GroupError.NONE, protocolType, protocol, x.assignment));
                    x.awaitingSync = null;
                    x.heartbeat(nowMs); // its session restarts with the answer, however long it waited for it
                }
            }
        }
        return f;
    }

    /** The checks SyncGroup, Heartbeat and OffsetCommit share: a live member of this generation. */
    private GroupError checkMember(String memberId, String instanceId, int generation) {
        if (state == State.DEAD) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (fenced(memberId, instanceId)) {
            return GroupError.FENCED_INSTANCE_ID;
        }
        if (!members.containsKey(memberId)) {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        return generation == this.generation ? GroupError.NONE : GroupError.ILLEGAL_GENERATION;
    }

    /** Another member now holds {@code instanceId}: this one was replaced by a restart of the same instance. */
    private boolean fenced(String memberId, String instanceId) {
        String current = instanceId == null ? null : staticMembers.get(instanceId);
        return current != null && !current.equals(memberId);
    }

    GroupError heartbeat(String memberId, String instanceId, int generation, long nowMs) {
        GroupError e = checkMember(memberId, instanceId, generation);
        if (e != GroupError.NONE) {
            return e;
        }
        members.get(memberId).heartbeat(nowMs);
        return state == State.PREPARING_REBALANCE ? GroupError.REBALANCE_IN_PROGRESS : GroupError.NONE;
    }

    List<GroupError> leave(List<MemberRef> refs, long nowMs) {
        List<GroupError> out = new ArrayList<>(refs.size());
        boolean removed = false;
        for (MemberRef ref : refs) {
            String memberId = ref.memberId();
            if ((memberId == null || memberId.isEmpty()) && ref.instanceId() != null) {
                memberId = staticMembers.getOrDefault(ref.instanceId(), "");
            } else if (ref.instanceId() != null && fenced(memberId, ref.instanceId())) {
                out.add(GroupError.FENCED_INSTANCE_ID);
                continue;
            }
            if (pendingMembers.remove(memberId) != null) {
                out.add(GroupError.NONE);
                removed = true;
                continue;
            }
            GroupMember m = members.get(memberId);
            if (m == null) {
                out.add(GroupError.UNKNOWN_MEMBER_ID);
                continue;
            }
            if (m.awaitingJoin != null) {
                m.awaitingJoin.complete(JoinResult.failed(GroupError.UNKNOWN_MEMBER_ID, m.memberId));
            }
            if (m.awaitingSync != null) {
                m.awaitingSync.complete(SyncResult.failed(GroupError.UNKNOWN_MEMBER_ID));
            }
            remove(m);
            removed = true;
            out.add(GroupError.NONE);
        }
        if (removed) {
            membershipShrank(nowMs);
        }
        return out;
    }

    private void remove(GroupMember m) {
        members.remove(m.memberId);
        pendingSync.remove(m.memberId);
        if (m.instanceId != null && m.memberId.equals(staticMembers.get(m.instanceId))) {
            staticMembers.remove(m.instanceId);
        }
        if (m.memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    private void membershipShrank(long nowMs) {
        if (state == State.STABLE || state == State.COMPLETING_REBALANCE) {
            prepareRebalance(nowMs);
        }
        tryCompleteJoin(nowMs);
    }

    /**
     * OffsetCommit's checks: a member of the current generation, or anyone with generation -1 while Empty (simple
     * commits of consumers with manual assignment or admin tools, whatever member id they send, as in Kafka).
     */
    GroupError checkCommit(int generation, String memberId, String instanceId, long nowMs) {
        if (state == State.DEAD) {
            return GroupError.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && state == State.EMPTY) {
            return GroupError.NONE;
        }
        GroupError e = checkMember(memberId, instanceId, generation);
        if (e == GroupError.NONE && state == State.COMPLETING_REBALANCE) {
            return GroupError.REBALANCE_IN_PROGRESS;
        }
        if (e == GroupError.NONE) {
            members.get(memberId).heartbeat(nowMs);
        }
        return e;
    }

    // ---- time ----

    /**
     * Expires silent members, members that never came back with their id and members that did not sync within the
     * rebalance timeout; completes a due rebalance.
     */
    void tick(long nowMs) {
        boolean shrank = pendingMembers.values().removeIf(deadline -> nowMs >= deadline);
        if (state != State.EMPTY && state != State.DEAD) {
            for (GroupMember m : new ArrayList<>(members.values())) {
                if (m.expired(nowMs)) {
                    remove(m);
                    sessionsExpired++;
                    shrank = true;
                }
            }
        }
        if ((state == State.COMPLETING_REBALANCE || state == State.STABLE) && !pendingSync.isEmpty()
                && nowMs >= syncDeadlineMs) {
            for (String id : new ArrayList<>(pendingSync)) {
                remove(members.get(id)); // never synced, so waits for nothing
            }
            shrank = true;
        }
        if (shrank) {
            membershipShrank(nowMs);
        }
        if (state != State.PREPARING_REBALANCE || nowMs < joinDeadlineMs) {
            return;
        }
        if (initialDelay && joinedDuringDelay && nowMs < initialDelayEndMs) {
            joinedDuringDelay = false;
            joinDeadlineMs = Math.min(nowMs + config.initialRebalanceDelayMs(), initialDelayEndMs);
            return;
        }
        completeJoin(nowMs);
    }

    // ---- describe ----

    List<MemberDescription> describeMembers() {
        List<MemberDescription> out = new ArrayList<>();
        boolean stable = state == State.STABLE;
        for (GroupMember m : members.values()) {
            out.add(new MemberDescription(m.memberId, m.instanceId, m.clientId, m.clientHost,
                    stable ? m.metadata(protocol) : new byte[0], stable ? m.assignment : new byte[0]));
        }
        return out;
    }

    String protocol() {
        return protocol;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
