package io.kayak.metadata.quorum;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerRpcWithProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata leader's repair of a connection to a follower that stays silent. On a transport error Ratis 3.2's
 * log appender only resets its gRPC channel's connect back-off, which does nothing while the channel is still
 * connecting, and keeps the channel: a voter restarted after a long absence was seen to get no append for more
 * than 120 s while its own pre-votes reached the leader (MetadataQuorumTest, CI). When a follower has not answered
 * the leader for {@code silentMs}, this drops the leader's proxy to it ({@code PeerProxyMap.resetProxy}), so the
 * appender's next call opens a fresh channel; again every {@code silentMs} while the follower stays silent. A
 * follower that is really down costs one failed connection attempt per period.
 *
 * <p>Thread model: one daemon thread checks every {@link #CHECK_INTERVAL_MS} under the monitor; {@link #close()}
 * stops it.
 */
final class FollowerChannels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerChannels.class);
    static final long CHECK_INTERVAL_MS = 1_000;

    private final RaftServer server;
    private final RaftGroupId groupId;
    private final long silentMs;
    private final LongSupplier nanoTime;
    /** Per silent follower, when its proxy was last dropped (nanoTime); cleared once it answers again. */
    private final Map<String, Long> droppedAt = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kayak-metadata-follower-channels");
        t.setDaemon(true);
        return t;
    });

    FollowerChannels(RaftServer server, RaftGroupId groupId, long silentMs, LongSupplier nanoTime) {
        this.server = server;
        this.groupId = groupId;
        this.silentMs = silentMs;
        this.nanoTime = nanoTime;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::checkSafely, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    private void checkSafely() {
        try {
            check();
        } catch (Exception e) { // a closing server; the next check tries again
            LOG.debug("Checking the metadata followers' connections failed", e);
        }
    }

    /** One round: drops the proxy of every follower silent for {@code silentMs} and not dropped within it. */
    synchronized void check() throws java.io.IOException {
        RoleInfoProto role = server.getDivision(groupId).getInfo().getRoleInfoProto();
        if (!role.hasLeaderInfo() || !(server.getServerRpc() instanceof RaftServerRpcWithProxy<?, ?> rpc)) {
            droppedAt.clear();
            return;
        }
        long now = nanoTime.getAsLong();
        for (ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
            String id = f.getId().getId().toStringUtf8();
            if (f.getLastRpcElapsedTimeMs() < silentMs) {
                droppedAt.remove(id);
                continue;
            }
            Long last = droppedAt.get(id);
            if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(silentMs)) {
                continue;
            }
            if (last == null) {
                LOG.info("Metadata leader: follower {} has not answered for {} ms; opening a new connection to it", id,
                        f.getLastRpcElapsedTimeMs());
            }
            droppedAt.put(id, now);
            rpc.getProxies().resetProxy(RaftPeerId.valueOf(id));
        }
    }

    /** The followers silent now whose connection was renewed, by Ratis peer id. */
    synchronized java.util.Set<String> renewed() {
        return java.util.Set.copyOf(droppedAt.keySet());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
