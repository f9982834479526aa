package io.kayak.broker;

import java.io.IOException;
import java.net.ServerSocket;

/** Ephemeral ports for tests (the OS picks a free one; the socket is closed before use). */
public final class TestPorts {
    private TestPorts() {
    }

    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
