package io.kayak.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kayak.broker.replica.ReplicatedCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kafka-python 2.0.2 (Debian's python3-kafka, which .ci/run installs) against three in-process nodes: it
 * probes the broker version through ApiVersions, then produces with acks=all and consumes with manual
 * assignment at its fixed old API versions (Produce 7, Fetch 4, ListOffsets 1, Metadata 1), then consumes as a
 * consumer-group member (FindCoordinator 0, JoinGroup 2, Sync/Heartbeat/Leave 1, OffsetCommit 2, OffsetFetch 1)
 * and a second member resumes at the committed offset.
 */
@Tag("integration")
class KafkaPythonTest extends ClusterTest {

    private static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    @Test
    void kafkaPythonProducesAndConsumes() throws Exception {
        cluster = ReplicatedCluster.started(tmp, Map.of());
        cluster.createTopic("py", 1, 3, Map.of());
        Path script = tmp.resolve("roundtrip.py");
        try (InputStream in = getClass().getResourceAsStream("/kafka_python_roundtrip.py")) {
            Files.write(script, in.readAllBytes());
        }
        String bootstrap = cluster.bootstrap();
        Process p;
        try {
            p = new ProcessBuilder(python(), script.toString(), bootstrap, "py", "1000").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("python3 with kafka-python is needed: apt-get install python3-kafka", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kafka-python did not finish in 120 s");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        assertTrue(!output.contains("No module named 'kafka'"), "python3-kafka is needed (apt-get install python3-kafka): "
                + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("OK 1000 records from offset 0"), output);
        assertTrue(output.contains("GROUP OK 1000 records, committed 1000"), output);
    }
}
