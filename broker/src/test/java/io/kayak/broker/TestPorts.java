package io.kayak.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free ports for tests, chosen below the OS's ephemeral range (32768 and up on Linux) and checked by binding.
 * A port the OS handed out as ephemeral can be taken again, before the test's server binds it, by any
 * outgoing connection (Kafka and Ratis clients open many); Ratis exits the JVM when it cannot bind. Ports
 * below that range are only ever taken by an explicit bind.
 */
public final class TestPorts {
    private static final int FIRST = 20_000;
    private static final int END = 32_000;
    private static final AtomicInteger NEXT = new AtomicInteger(FIRST + ThreadLocalRandom.current().nextInt(END - FIRST));

    private TestPorts() {
    }

    public static int free() throws IOException {
        for (int attempt = 0; attempt < END - FIRST; attempt++) {
            int port = NEXT.getAndUpdate(p -> p + 1 >= END ? FIRST : p + 1);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port between " + FIRST + " and " + END);
    }
}
