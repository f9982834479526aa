package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.network.compat.Kafka3RoundTrip;
import io.kayak.broker.replica.ReplicatedCluster;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A 3.x Java client (kafka-clients 3.9.1, copied to target/kafka-clients-3 by the build) in a child JVM, so it
 * does not meet the 4.x client the rest of the tests use: idempotent produce and manual-assignment consume.
 */
@Tag("integration")
class KafkaClient3xTest extends ClusterTest {

    @Test
    void aKafka39ClientProducesAndConsumes() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("old-client", 1, 3, Map.of());
        String bootstrap = cluster.bootstrap();
        Path testClasses = Path.of(Kafka3RoundTrip.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path clients3 = testClasses.getParent().resolve("kafka-clients-3");
        String classPath = clients3.resolve("*") + File.pathSeparator + testClasses;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", classPath, Kafka3RoundTrip.class.getName(),
                bootstrap, "old-client", "500")).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the 3.x client did not finish in 120 s");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("OK 500 3.9.1"), "ran with kafka-clients 3.9.1: " + output);
    }
}
