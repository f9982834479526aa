package io.kayak.broker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncPool#configure} in a fresh JVM, because the property only counts before the common pool exists:
 * a JVM started on one core (so the JDK's default would be a thread per task) gets a real pool, and an explicit
 * setting is left alone.
 */
class AsyncPoolTest {
    @Test
    void oneCoreJvmGetsAPoolInsteadOfAThreadPerTask() throws Exception {
        String[] out = probe("-XX:ActiveProcessorCount=1");
        assertEquals(String.valueOf(AsyncPool.MIN_PARALLELISM), out[0]);
        assertEquals("ForkJoinPool", out[1]);
    }

    @Test
    void manyCoresKeepOneCoreForTheRest() throws Exception {
        String[] out = probe("-XX:ActiveProcessorCount=8");
        assertEquals("7", out[0]);
        assertEquals("ForkJoinPool", out[1]);
    }

    @Test
    void anExplicitSettingWins() throws Exception {
        String[] out = probe("-XX:ActiveProcessorCount=8", "-D" + AsyncPool.PARALLELISM_PROPERTY + "=1");
        assertEquals("1", out[0]);
        assertTrue(out[1].contains("ThreadPerTask"), out[1]);
    }

    private static String[] probe(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), AsyncPoolProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, p.exitValue(), text);
            String[] lines = text.split("\n");
            return lines[lines.length - 1].trim().split(" ");
        } finally {
            p.destroyForcibly();
        }
    }
}
