package io.kayak.broker.group;

import io.kayak.network.service.GroupService.JoinResult;
import io.kayak.network.service.GroupService.Protocol;
import io.kayak.network.service.GroupService.SyncResult;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a {@link ClassicGroup}: who it is, what it supports, what it was assigned, and the join or sync
 * response it is waiting for. Guarded by its group's monitor.
 */
final class GroupMember {
    final String memberId;
    final String instanceId;
    final String clientId;
    final String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    String protocolType;
    List<Protocol> protocols;
    byte[] assignment = new byte[0];
    CompletableFuture<JoinResult> awaitingJoin;
    CompletableFuture<SyncResult> awaitingSync;
    long sessionDeadlineMs;

    GroupMember(String memberId, String instanceId, String clientId, String clientHost, int sessionTimeoutMs,
                int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = memberId;
        this.instanceId = instanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    /** The same member under a new id (a static member that restarted), with its assignment and timeouts. */
    GroupMember withId(String newMemberId, String newClientId, String newClientHost) {
        GroupMember m = new GroupMember(newMemberId, instanceId, newClientId, newClientHost, sessionTimeoutMs,
                rebalanceTimeoutMs, protocolType, protocols);
        m.assignment = assignment;
        m.sessionDeadlineMs = sessionDeadlineMs;
        return m;
    }

    boolean supports(String protocol) {
        return protocols.stream().anyMatch(p -> p.name().equals(protocol));
    }

    byte[] metadata(String protocol) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return new byte[0];
    }

    /** Whether {@code other} lists the same protocols in the same order with the same metadata. */
    boolean sameProtocols(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            Protocol a = protocols.get(i);
            Protocol b = other.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.metadata(), b.metadata())) {
                return false;
            }
        }
        return true;
    }

    /** A member waiting for its join or sync answer is not expected to heartbeat. */
    boolean expired(long nowMs) {
        return awaitingJoin == null && awaitingSync == null && nowMs >= sessionDeadlineMs;
    }

    void heartbeat(long nowMs) {
        sessionDeadlineMs = nowMs + sessionTimeoutMs;
    }
}
