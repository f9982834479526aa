package io.kayak.broker.replica;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices within one probe interval that another node's partition Raft server is gone, so the partitions it led
 * need not wait one to two election timeouts for their followers to notice (Ratis's follower checks its leader's
 * heartbeats once per randomized election timeout). Every {@code kayak.replication.peer.probe.interval.ms} it opens
 * a TCP connection to each registered peer's replication endpoint and closes it at once (with a reset, so no
 * socket lingers). A refused connection means nothing listens there any more — the process died, or its Raft server
 * stopped — and {@link #REFUSALS_FOR_DOWN} refusals in a row count the peer as down (one alone is not enough: under
 * heavy load a live node's port was seen to refuse a single probe, and each false alarm moves leaders); a
 * connection that does not open within the interval counts as a miss, and {@link #MISSES_FOR_DOWN} misses in a row
 * (a host gone, or a network cut) count as down too. A peer that accepts a connection again is up.
 *
 * <p>Only the transition to down is reported, once, to {@code onDown}, on the probing thread. A false alarm costs an
 * election, never safety: an election is only ever asked of a follower whose log is current, and Raft decides.
 * A process that stops answering without closing its port (stopped by a debugger, swapping) is left to Ratis's
 * own election timeout.
 */
final class PeerProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerProbe.class);
    static final int MISSES_FOR_DOWN = 3;
    static final int REFUSALS_FOR_DOWN = 2;

    private final int nodeId;
    private final Supplier<MetadataImage> images;
    private final long intervalMs;
    private final IntConsumer onDown;
    private final Map<Integer, Integer> misses = new HashMap<>();
    private final Map<Integer, Integer> refusals = new HashMap<>();
    /** What the last failed probe saw, for the log line that reports a peer down. */
    private String lastFailure = "";
    private final Set<Integer> down = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    PeerProbe(int nodeId, Supplier<MetadataImage> images, long intervalMs, IntConsumer onDown) {
        this.nodeId = nodeId;
        this.images = images;
        this.intervalMs = intervalMs;
        this.onDown = onDown;
        this.thread = new Thread(this::run, "kayak-peer-probe-" + nodeId);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The peers this probe currently counts as down. */
    Set<Integer> down() {
        return Set.copyOf(down);
    }

    private void run() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        while (running) {
            long start = System.nanoTime();
            try {
                probeAll();
            } catch (RuntimeException e) {
                LOG.warn("Node {}: probing peers failed", nodeId, e);
            }
            long left = intervalNanos - (System.nanoTime() - start);
            if (left > 0 && running) {
                LockSupport.parkNanos(left);
            }
        }
    }

    private void probeAll() {
        for (BrokerRegistration b : images.get().brokers().values()) {
            if (b.nodeId() == nodeId || !running) {
                continue;
            }
            Optional<Endpoint> e = PartitionGroups.replicationEndpoint(b);
            if (e.isEmpty()) {
                continue;
            }
            int peer = b.nodeId();
            switch (probe(e.get())) {
                case UP -> {
                    misses.remove(peer);
                    refusals.remove(peer);
                    if (down.remove(peer)) {
                        LOG.info("Node {}: node {}'s partition Raft server accepts connections again", nodeId, peer);
                    }
                }
                case REFUSED -> {
                    if (refusals.merge(peer, 1, Integer::sum) >= REFUSALS_FOR_DOWN) {
                        markDown(peer, "refused " + REFUSALS_FOR_DOWN + " connections in a row");
                    }
                }
                case MISSED -> {
                    refusals.remove(peer);
                    if (misses.merge(peer, 1, Integer::sum) >= MISSES_FOR_DOWN) {
                        markDown(peer, "did not accept a connection in " + MISSES_FOR_DOWN + " probes");
                    }
                }
            }
        }
    }

    private void markDown(int peer, String why) {
        if (down.add(peer)) {
            LOG.info("Node {}: node {}'s partition Raft server {} ({}): electing away from it", nodeId, peer, why,
                    lastFailure);
            onDown.accept(peer);
        }
    }

    private enum Outcome { UP, REFUSED, MISSED }

    private Outcome probe(Endpoint e) {
        try (Socket s = new Socket()) {
            s.setSoLinger(true, 0); // reset on close: thousands of probes a minute leave no TIME_WAIT sockets
            s.connect(new InetSocketAddress(e.host(), e.port()), (int) Math.max(1, intervalMs));
            return Outcome.UP;
        } catch (ConnectException ex) {
            lastFailure = ex.toString();
            return Outcome.REFUSED;
        } catch (IOException ex) { // SocketTimeoutException among them
            lastFailure = ex.toString();
            return Outcome.MISSED;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
