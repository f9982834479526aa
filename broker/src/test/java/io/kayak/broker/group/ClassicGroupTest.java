package io.kayak.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.network.service.GroupError;
import io.kayak.network.service.GroupService.JoinRequest;
import io.kayak.network.service.GroupService.JoinResult;
import io.kayak.network.service.GroupService.MemberRef;
import io.kayak.network.service.GroupService.Protocol;
import io.kayak.network.service.GroupService.SyncRequest;
import io.kayak.network.service.GroupService.SyncResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic group state machine alone, on a hand-driven clock. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a future that never completes fails the test
class ClassicGroupTest {
    private static final GroupConfig CONFIG = new GroupConfig(1_000, 60_000, 500, 10, 60_000, 1_000, 100);
    private long now = 1_000_000;
    private final ClassicGroup group = new ClassicGroup("g", CONFIG, now);

    private static JoinRequest join(String memberId, String instanceId, List<Protocol> protocols) {
        return new JoinRequest("g", memberId, instanceId, "client", "/10.0.0.1", 5_000, 20_000, "consumer", protocols, true);
    }

    private static List<Protocol> protocols(String... names) {
        return java.util.Arrays.stream(names).map(n -> new Protocol(n, n.getBytes())).toList();
    }

    /** Joins a new dynamic member the v4+ way (MEMBER_ID_REQUIRED, then again with the id). */
    private CompletableFuture<JoinResult> joinNew(String... protocolNames) {
        JoinResult first = group.join(join("", null, protocols(protocolNames)), now).join();
        assertEquals(GroupError.MEMBER_ID_REQUIRED, first.error());
        return group.join(join(first.memberId(), null, protocols(protocolNames)), now);
    }

    private void advance(long ms) {
        now += ms;
        group.tick(now);
    }

    @Test
    void theFirstRebalanceWaitsForTheInitialDelayAndTakesEveryoneWhoArrived() {
        CompletableFuture<JoinResult> a = joinNew("range");
        advance(300);
        CompletableFuture<JoinResult> b = joinNew("range");
        advance(300);
        assertFalse(a.isDone(), "a member arrived during the delay: it is extended");
        advance(600);
        assertTrue(a.isDone() && b.isDone());
        assertEquals(1, a.join().generation());
        assertEquals(ClassicGroup.State.COMPLETING_REBALANCE, group.state());
        JoinResult leader = a.join().leaderId().equals(a.join().memberId()) ? a.join() : b.join();
        JoinResult follower = leader == a.join() ? b.join() : a.join();
        assertEquals(2, leader.members().size(), "the leader sees every member's metadata");
        assertEquals(List.of(), follower.members());

        CompletableFuture<SyncResult> followerSync = group.sync(sync(follower, Map.of()), now);
        assertFalse(followerSync.isDone(), "followers wait for the leader's assignment");
        SyncResult leaderSync = group.sync(sync(leader, Map.of(leader.memberId(), new byte[]{1},
                follower.memberId(), new byte[]{2})), now).join();
        assertEquals(GroupError.NONE, leaderSync.error());
        assertEquals(1, leaderSync.assignment()[0]);
        assertEquals(2, followerSync.join().assignment()[0]);
        assertEquals(ClassicGroup.State.STABLE, group.state());
        assertTrue(group.takeDirty(), "a Stable group is recorded");
    }

    private static SyncRequest sync(JoinResult r, Map<String, byte[]> assignments) {
        return new SyncRequest("g", r.generation(), r.memberId(), null, null, null, assignments);
    }

    private JoinResult[] stableGroupOfTwo() {
        CompletableFuture<JoinResult> a = joinNew("range", "roundrobin");
        CompletableFuture<JoinResult> b = joinNew("roundrobin", "range");
        advance(600); // b arrived during the initial delay: it is extended once
        advance(600);
        JoinResult ra = a.join();
        JoinResult rb = b.join();
        JoinResult leader = ra.leaderId().equals(ra.memberId()) ? ra : rb;
        group.sync(sync(leader, Map.of()), now);
        group.sync(sync(leader == ra ? rb : ra, Map.of()), now);
        assertEquals(ClassicGroup.State.STABLE, group.state());
        return new JoinResult[] {ra, rb};
    }

    @Test
    void theProtocolEveryoneSupportsWithMostFirstChoicesWinsTiesByTheFirstMember() {
        JoinResult[] m = stableGroupOfTwo();
        assertEquals("range", m[0].protocolName(), "one vote each: the first member's order decides");
        JoinResult odd = group.join(join("", null, protocols("sticky")), now).join();
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, odd.error(), "shares no protocol with the group");
        JoinRequest otherType = new JoinRequest("g", "", null, "c", "/h", 5_000, 20_000, "connect", protocols("range"), true);
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, group.join(otherType, now).join().error());
    }

    @Test
    void aSilentMemberIsExpiredAndTheOthersRebalanceWithoutIt() {
        JoinResult[] m = stableGroupOfTwo();
        for (int i = 0; i < 4; i++) {
            advance(1_000);
            assertEquals(GroupError.NONE, group.heartbeat(m[0].memberId(), null, m[0].generation(), now));
        }
        advance(1_000);
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, group.heartbeat(m[0].memberId(), null, m[0].generation(), now),
                "the other member's 5 s session ran out");
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.heartbeat(m[1].memberId(), null, m[1].generation(), now));
        assertEquals(1, group.takeSessionsExpired(), "counted for the members-expired metric");
        JoinResult rejoined = group.join(join(m[0].memberId(), null, protocols("range", "roundrobin")), now).join();
        assertEquals(m[0].generation() + 1, rejoined.generation());
        assertEquals(1, rejoined.members().size());
    }

    @Test
    void aRebalanceDropsMembersThatDoNotRejoinWithinTheRebalanceTimeout() {
        JoinResult[] m = stableGroupOfTwo();
        CompletableFuture<JoinResult> newcomer = joinNew("range");
        CompletableFuture<JoinResult> a = group.join(join(m[0].memberId(), null, protocols("range", "roundrobin")), now);
        for (int i = 0; i < 19; i++) {
            advance(1_000);
            group.heartbeat(m[1].memberId(), null, m[1].generation(), now); // alive, but never rejoins
        }
        assertFalse(a.isDone(), "waits for the member that has not rejoined");
        advance(1_000);
        assertEquals(2, a.join().members().size() + newcomer.join().members().size(), "the leader sees two members");
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.heartbeat(m[1].memberId(), null, m[1].generation(), now));
    }

    @Test
    void requestsFromTheWrongGenerationOrAnUnknownMemberAreRefused() {
        JoinResult[] m = stableGroupOfTwo();
        int gen = m[0].generation();
        assertEquals(GroupError.ILLEGAL_GENERATION, group.sync(new SyncRequest("g", gen + 1, m[0].memberId(), null, null,
                null, Map.of()), now).join().error());
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.sync(new SyncRequest("g", gen, "nobody", null, null, null,
                Map.of()), now).join().error());
        assertEquals(GroupError.ILLEGAL_GENERATION, group.heartbeat(m[0].memberId(), null, gen - 1, now));
        assertEquals(GroupError.ILLEGAL_GENERATION, group.checkCommit(gen - 1, m[0].memberId(), null, now));
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.checkCommit(gen, "ghost", null, now));
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.checkCommit(-1, "", null, now), "not while the group has members");
        assertEquals(GroupError.NONE, group.checkCommit(gen, m[0].memberId(), null, now));
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.join(join("forged", null, protocols("range")), now).join().error());
        assertEquals(ClassicGroup.State.STABLE, group.state(), "none of it disturbed the group");
    }

    @Test
    void leavingMembersRebalanceTheRestAndTheLastOneEmptiesTheGroup() {
        JoinResult[] m = stableGroupOfTwo();
        assertEquals(List.of(GroupError.NONE, GroupError.UNKNOWN_MEMBER_ID),
                group.leave(List.of(new MemberRef(m[1].memberId(), null), new MemberRef("nobody", null)), now));
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group.state());
        group.leave(List.of(new MemberRef(m[0].memberId(), null)), now);
        assertEquals(ClassicGroup.State.EMPTY, group.state());
        assertEquals(m[0].generation() + 1, group.generation());
        assertEquals(GroupError.NONE, group.checkCommit(-1, "", null, now), "an empty group takes simple commits");
        assertEquals(GroupError.NONE, group.checkCommit(-1, "standalone-consumer", null, now),
                "whatever member id they carry, as in Kafka");
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.checkCommit(m[0].generation() + 1, "standalone-consumer", null, now),
                "a generation is checked against the members");
        assertEquals(0, group.takeSessionsExpired(), "leaving is not expiring");
    }

    @Test
    void aStaticMemberComingBackUnderANewIdTakesItsPlaceAndFencesTheOldId() {
        CompletableFuture<JoinResult> fa = group.join(join("", "instance-a", protocols("range")), now);
        CompletableFuture<JoinResult> fb = group.join(join("", "instance-b", protocols("range")), now);
        advance(600);
        advance(600);
        JoinResult ra = fa.join();
        JoinResult rb = fb.join();
        JoinResult leader = ra.leaderId().equals(ra.memberId()) ? ra : rb;
        group.sync(new SyncRequest("g", leader.generation(), leader.memberId(), leader == ra ? "instance-a" : "instance-b",
                null, null, Map.of(ra.memberId(), new byte[]{7}, rb.memberId(), new byte[]{8})), now);
        assertEquals(ClassicGroup.State.STABLE, group.state());
        group.takeDirty();

        JoinResult back = group.join(join("", "instance-a", protocols("range")), now).join();
        assertEquals(GroupError.NONE, back.error());
        assertEquals(ra.generation(), back.generation(), "no rebalance");
        assertFalse(back.memberId().equals(ra.memberId()));
        assertTrue(group.takeDirty(), "the new member id is recorded");
        SyncResult s = group.sync(new SyncRequest("g", back.generation(), back.memberId(), "instance-a", null, null, Map.of()),
                now).join();
        assertEquals(7, s.assignment()[0], "its old assignment");
        assertEquals(GroupError.FENCED_INSTANCE_ID, group.heartbeat(ra.memberId(), "instance-a", ra.generation(), now));
        assertEquals(ClassicGroup.State.STABLE, group.state());
    }

    /** Joins two members; returns {leader, follower} of the new generation, both still to sync. */
    private JoinResult[] joinedPair() {
        CompletableFuture<JoinResult> a = joinNew("range");
        CompletableFuture<JoinResult> b = joinNew("range");
        advance(600);
        advance(600);
        JoinResult ra = a.join();
        JoinResult rb = b.join();
        assertEquals(ClassicGroup.State.COMPLETING_REBALANCE, group.state());
        return ra.leaderId().equals(ra.memberId()) ? new JoinResult[] {ra, rb} : new JoinResult[] {rb, ra};
    }

    @Test
    void aLeaderThatHeartbeatsButNeverSyncsIsRemovedAfterTheRebalanceTimeoutAndTheWaitingMembersRebalance() {
        JoinResult[] m = joinedPair();
        JoinResult leader = m[0];
        JoinResult follower = m[1];
        CompletableFuture<SyncResult> waiting = group.sync(sync(follower, Map.of()), now);
        for (int i = 0; i < 19; i++) {
            advance(1_000);
            assertEquals(GroupError.NONE, group.heartbeat(leader.memberId(), null, leader.generation(), now));
        }
        assertFalse(waiting.isDone(), "within the 20 s rebalance timeout the follower waits for the leader's assignment");
        advance(1_000);
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, waiting.join().error(), "not forever");
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.heartbeat(leader.memberId(), null, leader.generation(), now),
                "the leader that never synced was removed");
        assertEquals(0, group.takeSessionsExpired(), "its session did not run out");
        assertEquals(ClassicGroup.State.PREPARING_REBALANCE, group.state());
        JoinResult alone = group.join(join(follower.memberId(), null, protocols("range")), now).join();
        assertEquals(follower.generation() + 1, alone.generation());
        assertEquals(follower.memberId(), alone.leaderId(), "the remaining member leads the next generation");
    }

    @Test
    void aFollowerThatNeverSyncsIsRemovedAfterTheRebalanceTimeoutEvenOnceTheGroupIsStable() {
        JoinResult[] m = joinedPair();
        JoinResult leader = m[0];
        JoinResult follower = m[1];
        assertEquals(GroupError.NONE, group.sync(sync(leader, Map.of()), now).join().error());
        assertEquals(ClassicGroup.State.STABLE, group.state());
        for (int i = 0; i < 19; i++) {
            advance(1_000);
            assertEquals(GroupError.NONE, group.heartbeat(leader.memberId(), null, leader.generation(), now));
            assertEquals(GroupError.NONE, group.heartbeat(follower.memberId(), null, follower.generation(), now));
        }
        advance(1_000);
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.heartbeat(follower.memberId(), null, follower.generation(), now),
                "heartbeats alone do not keep a member that never fetched its assignment");
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, group.heartbeat(leader.memberId(), null, leader.generation(), now));
    }

    @Test
    void membersThatSyncInTimeAreKeptPastTheRebalanceTimeout() {
        JoinResult[] m = joinedPair();
        CompletableFuture<SyncResult> followerSync = group.sync(sync(m[1], Map.of()), now);
        for (int i = 0; i < 19; i++) {
            advance(1_000);
            assertEquals(GroupError.NONE, group.heartbeat(m[0].memberId(), null, m[0].generation(), now));
        }
        assertEquals(GroupError.NONE, group.sync(sync(m[0], Map.of()), now).join().error(), "the leader syncs just in time");
        assertEquals(GroupError.NONE, followerSync.join().error());
        for (int i = 0; i < 5; i++) {
            advance(1_000);
            assertEquals(GroupError.NONE, group.heartbeat(m[0].memberId(), null, m[0].generation(), now));
            assertEquals(GroupError.NONE, group.heartbeat(m[1].memberId(), null, m[1].generation(), now));
        }
        assertEquals(ClassicGroup.State.STABLE, group.state(), "past the rebalance timeout, nobody was removed");
    }

    @Test
    void membersToldToComeBackWithAnIdExpireIfTheyDoNot() {
        JoinResult first = group.join(join("", null, protocols("range")), now).join();
        assertEquals(GroupError.MEMBER_ID_REQUIRED, first.error());
        assertTrue(group.hasMembers());
        advance(5_001);
        assertFalse(group.hasMembers());
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.join(join(first.memberId(), null, protocols("range")), now).join().error());
    }
}
