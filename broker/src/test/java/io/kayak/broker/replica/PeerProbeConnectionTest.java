package io.kayak.broker.replica;

import static io.kayak.broker.replica.ReplicatedCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The probe against a real listening socket standing in for a peer's replication port: it holds one connection
 * rather than opening one per interval, opens another when the peer closes it while still listening (as gRPC does
 * after its handshake timeout), and reports the peer down once the connection is closed and nothing listens.
 */
class PeerProbeConnectionTest {
    private static final int PEER = 2;

    private ServerSocket listener;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final List<Integer> reportedDown = new CopyOnWriteArrayList<>();
    private PeerProbe probe;

    @AfterEach
    void tearDown() throws IOException {
        if (probe != null) {
            probe.close();
        }
        closeListener();
        for (Socket s : accepted) {
            s.close();
        }
    }

    private void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket l = listener;
        Thread acceptor = new Thread(() -> {
            while (!l.isClosed()) {
                try {
                    accepted.add(l.accept());
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "probe-test-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void closeListener() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }

    private MetadataImage imageWithPeerAt(int port) {
        BrokerRegistration peer = new BrokerRegistration(PEER, UUID.randomUUID(),
                List.of(new Endpoint(PartitionGroups.REPLICATION_LISTENER, "127.0.0.1", port)), null, Long.MAX_VALUE,
                false);
        return MetadataImage.EMPTY.withBrokers(Map.of(PEER, peer));
    }

    @Test
    void holdsOneConnectionReopensItWhenClosedAndReportsThePeerDownOnceNothingListens() throws Exception {
        listen();
        MetadataImage image = imageWithPeerAt(listener.getLocalPort());
        probe = new PeerProbe(1, () -> image, 20, reportedDown::add);
        probe.start();

        await("the probe connected", 10, () -> accepted.size() == 1);
        long from = probe.rounds();
        await("50 more probe rounds", 30, () -> probe.rounds() >= from + 50);
        assertEquals(1, accepted.size(), "one connection held over 50 rounds, not one per round");

        accepted.get(0).close(); // the peer drops the connection but still listens
        await("the probe connected again", 10, () -> accepted.size() == 2);
        long after = probe.rounds();
        await("10 more probe rounds", 30, () -> probe.rounds() >= after + 10);
        assertEquals(2, accepted.size());
        assertTrue(reportedDown.isEmpty(), "a closed connection alone is no death: " + reportedDown);

        closeListener(); // the peer dies: its port refuses, and its connection closes
        accepted.get(1).close();
        await("the peer reported down", 10, () -> !reportedDown.isEmpty());
        assertEquals(List.of(PEER), reportedDown, "reported once");
        assertEquals(java.util.Set.of(PEER), probe.down());
    }
}
