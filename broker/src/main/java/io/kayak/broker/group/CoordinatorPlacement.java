package io.kayak.broker.group;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.MetadataImage;
import java.nio.charset.StandardCharsets;

/**
 * Which node coordinates a group: rendezvous hashing of the group id over the unfenced brokers of the metadata
 * image. Every node with the same image gives the same answer, no coordinator election is needed, and when a
 * broker joins or leaves only the groups it wins or held move (a modulo over the broker count would move most).
 */
public final class CoordinatorPlacement {
    private CoordinatorPlacement() {
    }

    /** The coordinator of {@code groupId} in {@code image}, or -1 when no broker is live. */
    public static int coordinator(MetadataImage image, String groupId) {
        int best = -1;
        long bestScore = Long.MIN_VALUE;
        for (BrokerRegistration b : image.brokers().values()) {
            if (b.fenced()) {
                continue;
            }
            long score = mix(hash(groupId) ^ (b.nodeId() * 0x9E3779B97F4A7C15L));
            if (best == -1 || score > bestScore || (score == bestScore && b.nodeId() < best)) {
                best = b.nodeId();
                bestScore = score;
            }
        }
        return best;
    }

    /** FNV-1a over the UTF-8 bytes: the same on every JVM and release, which String.hashCode does not promise. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A 64-bit finalizer so that close inputs score far apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
