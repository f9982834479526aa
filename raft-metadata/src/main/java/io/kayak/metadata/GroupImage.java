package io.kayak.metadata;

import io.kayak.metadata.record.Codec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A consumer group's membership as its coordinator last recorded it: written when a rebalance completes and
 * when the group empties, so that a coordinator taking over after a node failure continues the same
 * generation with the same members and assignments instead of forcing a rebalance.
 *
 * @param protocolType     e.g. {@code consumer}; empty when the group has no members
 * @param protocol         the selected assignment protocol, e.g. {@code range}; empty when none
 * @param generation       the generation the members hold
 * @param leaderId         the member that computed the assignment, or empty
 * @param stateTimestampMs when the group entered its recorded state (offsets of empty groups expire from here)
 */
public record GroupImage(String groupId, String protocolType, String protocol, int generation, String leaderId,
                         long stateTimestampMs, List<Member> members) {
    /** A bound on one member's subscription or assignment, far above what a consumer sends. */
    static final int MAX_BYTES = 1 << 20;

    public GroupImage {
        members = List.copyOf(members);
    }

    /** One member with the subscription it sent and the assignment it was given (opaque bytes). */
    public record Member(String memberId, String instanceId, String clientId, String clientHost, int sessionTimeoutMs,
                         int rebalanceTimeoutMs, byte[] subscription, byte[] assignment) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Member m && memberId.equals(m.memberId) && Objects.equals(instanceId, m.instanceId)
                    && clientId.equals(m.clientId) && clientHost.equals(m.clientHost)
                    && sessionTimeoutMs == m.sessionTimeoutMs && rebalanceTimeoutMs == m.rebalanceTimeoutMs
                    && Arrays.equals(subscription, m.subscription) && Arrays.equals(assignment, m.assignment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(memberId, instanceId, Arrays.hashCode(subscription), Arrays.hashCode(assignment));
        }
    }

    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, groupId);
        Codec.writeString(out, protocolType);
        Codec.writeString(out, protocol);
        out.writeInt(generation);
        Codec.writeString(out, leaderId);
        out.writeLong(stateTimestampMs);
        out.writeInt(members.size());
        for (Member m : members) {
            Codec.writeString(out, m.memberId());
            Codec.writeString(out, m.instanceId());
            Codec.writeString(out, m.clientId());
            Codec.writeString(out, m.clientHost());
            out.writeInt(m.sessionTimeoutMs());
            out.writeInt(m.rebalanceTimeoutMs());
            writeBytes(out, m.subscription());
            writeBytes(out, m.assignment());
        }
    }

    public static GroupImage read(DataInput in) throws IOException {
        String groupId = Codec.readString(in);
        String protocolType = Codec.readString(in);
        String protocol = Codec.readString(in);
        int generation = in.readInt();
        String leaderId = Codec.readString(in);
        long stateTimestampMs = in.readLong();
        int n = in.readInt();
        List<Member> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new Member(Codec.readString(in), Codec.readString(in), Codec.readString(in), Codec.readString(in),
                    in.readInt(), in.readInt(), readBytes(in), readBytes(in)));
        }
        return new GroupImage(groupId, protocolType, protocol, generation, leaderId, stateTimestampMs, members);
    }

    private static void writeBytes(DataOutput out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_BYTES) {
            throw new IOException("group member metadata of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
