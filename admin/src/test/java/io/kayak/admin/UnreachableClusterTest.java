package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.broker.TestPorts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A Kafka-protocol command whose bootstrap server does not answer fails with a clear message, within a bound. */
@Tag("integration")
class UnreachableClusterTest {
    @Test
    void nothingListeningFailsWithExitOneWithinTheApiTimeout() throws Exception {
        String nobody = "127.0.0.1:" + TestPorts.free();
        Cli.Result r = Cli.kafka(nobody, "topics", "list");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().startsWith("error: listing topics failed: no answer from " + nobody + " within 15 s."), r::toString);
        assertTrue(r.err().contains("--bootstrap-server"), r::toString);
        assertEquals("", r.out());
        assertTrue(r.millis() >= KafkaOptions.API_TIMEOUT_MS - 1_000 && r.millis() < KafkaOptions.API_TIMEOUT_MS + 10_000,
                r::toString);
    }

    @Test
    void anUnresolvableBootstrapServerFailsAtOnce() {
        Cli.Result r = Cli.kafka("no-such-host.invalid:9092", "groups", "list");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("cannot use --bootstrap-server no-such-host.invalid:9092"), r::toString);
        assertTrue(r.millis() < 10_000, r::toString);
    }
}
