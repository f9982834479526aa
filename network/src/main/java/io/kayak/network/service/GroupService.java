package io.kayak.network.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer-group coordinator as network/ sees it: Kafka's classic rebalance protocol (join, sync,
 * heartbeat, leave) and committed offsets. Implemented by the broker; member metadata and assignments are
 * opaque bytes chosen by the clients.
 *
 * <p>Every call made on a node that does not coordinate the group answers {@link GroupError#NOT_COORDINATOR}.
 * Thread-safe; nothing blocks: slow steps (waiting for other members, writing to the metadata quorum) complete
 * the returned futures later.
 */
public interface GroupService {
    /** The node coordinating {@code groupId}, the same on every node that has the same metadata; -1 if none. */
    int coordinator(String groupId);

    CompletableFuture<JoinResult> join(JoinRequest request);

    CompletableFuture<SyncResult> sync(SyncRequest request);

    GroupError heartbeat(String groupId, String memberId, String instanceId, int generation);

    /** Removes members; the group-level error, then one per member in request order. */
    LeaveResult leave(String groupId, List<MemberRef> members);

    /** Commits offsets; one error per partition (all the same when the request as a whole is refused). */
    CompletableFuture<Map<TopicPartition, GroupError>> commit(CommitRequest request);

    /** The committed offsets of {@code partitions}, or of every partition when null. */
    OffsetsResult fetchOffsets(String groupId, List<TopicPartition> partitions);

    /** The groups this node coordinates. */
    List<GroupOverview> listGroups();

    GroupDescription describe(String groupId);

    /** Deletes an empty group and its offsets. */
    CompletableFuture<GroupError> delete(String groupId);

    /** Deletes some committed offsets of a group; the group-level error and one per partition. */
    CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, List<TopicPartition> partitions);

    /** A protocol a member supports (e.g. an assignor name) and its metadata (e.g. the subscription). */
    record Protocol(String name, byte[] metadata) {
    }

    /**
     * @param memberId             empty for a member joining for the first time
     * @param instanceId           {@code group.instance.id} of a static member, or null
     * @param requireKnownMemberId version 4+: a new member first gets {@link GroupError#MEMBER_ID_REQUIRED}
     */
    record JoinRequest(String groupId, String memberId, String instanceId, String clientId, String clientHost,
                       int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType, List<Protocol> protocols,
                       boolean requireKnownMemberId) {
    }

    /** A member as the leader sees it when it computes the assignment. */
    record JoinedMember(String memberId, String instanceId, byte[] metadata) {
    }

    /**
     * @param members every member with its metadata for the selected protocol, for the leader only (empty for the
     *                others)
     * @param skipAssignment the leader rejoined a stable group: it need not compute an assignment
     */
    record JoinResult(GroupError error, int generation, String protocolType, String protocolName, String leaderId,
                      String memberId, List<JoinedMember> members, boolean skipAssignment) {
        public static JoinResult failed(GroupError error, String memberId) {
            return new JoinResult(error, -1, null, null, "", memberId, List.of(), false);
        }
    }

    /** @param assignments by member id; sent by the leader only */
    record SyncRequest(String groupId, int generation, String memberId, String instanceId, String protocolType,
                       String protocolName, Map<String, byte[]> assignments) {
    }

    record SyncResult(GroupError error, String protocolType, String protocolName, byte[] assignment) {
        public static SyncResult failed(GroupError error) {
            return new SyncResult(error, null, null, new byte[0]);
        }
    }

    record MemberRef(String memberId, String instanceId) {
    }

    record LeaveResult(GroupError error, List<GroupError> members) {
    }

    /** @param generation -1 with an empty member id for a consumer that manages its own partitions */
    record CommitRequest(String groupId, int generation, String memberId, String instanceId,
                         Map<TopicPartition, Offset> offsets) {
    }

    record Offset(long offset, int leaderEpoch, String metadata) {
    }

    /** Offsets by partition; a partition without a committed offset is absent. */
    record OffsetsResult(GroupError error, Map<TopicPartition, Offset> offsets) {
    }

    record GroupOverview(String groupId, String protocolType, String state) {
    }

    /** @param state Kafka's names: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead */
    record GroupDescription(GroupError error, String groupId, String state, String protocolType, String protocol,
                            List<MemberDescription> members) {
    }

    record MemberDescription(String memberId, String instanceId, String clientId, String clientHost, byte[] metadata,
                             byte[] assignment) {
    }

    record OffsetDeleteResult(GroupError error, Map<TopicPartition, GroupError> partitions) {
    }
}
