package io.kayak.broker.replica;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices within one probe interval that another node's partition Raft server is gone, so the partitions it led
 * need not wait one to two election timeouts for their followers to notice (Ratis's follower checks its leader's
 * heartbeats once per randomized election timeout). The probe holds one idle TCP connection to each registered
 * peer's replication endpoint and, every {@code kayak.replication.peer.probe.interval.ms}, checks it without
 * blocking: when the peer's process dies its kernel closes (or resets) the connection, as the peer does when its
 * Raft server stops. A closed connection is opened again at once. A refused connection means nothing listens there
 * any more, and {@link #REFUSALS_FOR_DOWN} refusals in a row count the peer as down (one alone is not enough: under
 * heavy load a live node's port was seen to refuse a single connection, and each false alarm moves leaders); a
 * connection that does not open within the interval counts as a miss, and {@link #MISSES_FOR_DOWN} misses in a row
 * (a host gone, or a network cut) count as down too. A peer that accepts a connection again is up. While held, the
 * connection has TCP keepalive every second, so a host that vanishes without closing it is noticed within a few
 * seconds and then goes through the misses.
 *
 * <p>Holding the connection, rather than opening and closing one per interval, matters to the peer: its gRPC
 * server builds an HTTP/2 transport for every connection it accepts and tears it down with exceptions, which cost
 * some 3% of a loaded node's CPU at ten connections a second from each peer. The gRPC server closes a connection
 * that never starts HTTP/2 after its handshake timeout (two minutes); the probe then simply opens another.
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
    /** The connection held to each peer, with the endpoint it goes to. Only the probing thread touches it. */
    private final Map<Integer, Held> held = new HashMap<>();
    /** Where whatever a peer sends on a held connection (its HTTP/2 settings) is read into and dropped. */
    private final ByteBuffer discard = ByteBuffer.allocate(4096);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long rounds;

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
                rounds++;
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
        Set<Integer> seen = new HashSet<>();
        for (BrokerRegistration b : images.get().brokers().values()) {
            if (b.nodeId() == nodeId || !running) {
                continue;
            }
            Optional<Endpoint> e = PartitionGroups.replicationEndpoint(b);
            if (e.isEmpty()) {
                continue;
            }
            int peer = b.nodeId();
            seen.add(peer);
            switch (probe(peer, e.get())) {
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
        held.keySet().removeIf(peer -> {
            if (seen.contains(peer)) {
                return false;
            }
            held.get(peer).close(); // no longer registered
            return true;
        });
    }

    private void markDown(int peer, String why) {
        if (down.add(peer)) {
            LOG.info("Node {}: node {}'s partition Raft server {} ({}): electing away from it", nodeId, peer, why,
                    lastFailure);
            onDown.accept(peer);
        }
    }

    private enum Outcome { UP, REFUSED, MISSED }

    /** Rounds of probes done so far, for tests that need some to have passed. */
    long rounds() {
        return rounds;
    }

    /**
     * UP while the connection held to {@code peer} is open; else opens a new one: UP, or REFUSED (nothing listens),
     * or MISSED (no answer within the interval).
     */
    private Outcome probe(int peer, Endpoint e) {
        Held h = held.get(peer);
        if (h != null && h.endpoint().equals(e) && isOpen(h.channel())) {
            return Outcome.UP;
        }
        if (h != null) {
            held.remove(peer).close();
        }
        SocketChannel c = null;
        try {
            c = SocketChannel.open();
            c.socket().connect(new InetSocketAddress(e.host(), e.port()), (int) Math.max(1, intervalMs));
            c.configureBlocking(false);
            keepAlive(c);
            held.put(peer, new Held(e, c));
            return Outcome.UP;
        } catch (ConnectException ex) {
            closeQuietly(c);
            lastFailure = ex.toString();
            return Outcome.REFUSED;
        } catch (IOException ex) { // SocketTimeoutException among them
            closeQuietly(c);
            lastFailure = ex.toString();
            return Outcome.MISSED;
        }
    }

    /** Whether a held connection is still open: reading without blocking gets nothing (or data), not end or reset. */
    private boolean isOpen(SocketChannel c) {
        try {
            int n;
            do {
                discard.clear();
                n = c.read(discard);
            } while (n > 0);
            return n == 0;
        } catch (IOException ex) {
            lastFailure = ex.toString();
            return false;
        }
    }

    /** TCP keepalive after 1 s idle, every 1 s, 3 unanswered: a vanished host breaks the connection in about 4 s. */
    private static void keepAlive(SocketChannel c) throws IOException {
        c.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        Set<java.net.SocketOption<?>> supported = c.supportedOptions();
        if (supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            c.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, 1);
            c.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, 1);
            c.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
        }
    }

    private static void closeQuietly(SocketChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.setOption(StandardSocketOptions.SO_LINGER, 0); // reset: no TIME_WAIT socket left behind
        } catch (IOException | RuntimeException ignored) {
            // not connected
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** The connection held to one peer. */
    private record Held(Endpoint endpoint, SocketChannel channel) {
        void close() {
            closeQuietly(channel);
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
        if (!thread.isAlive()) {
            held.values().forEach(Held::close);
            held.clear();
        }
    }
}
