package io.kayak.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end on a tiny run against Kayak (started with the repository's scripts): every workload
 * produces its figures and the report renders them. No timing is asserted; the figures must only be real
 * measurements (positive, finite) and the cluster stopped afterwards.
 */
@Tag("system")
class CompareSmokeIT {
    @TempDir
    Path tmp;

    @Test
    void aTinyRunAgainstKayakReportsEveryWorkload() throws Exception {
        Path home = Path.of(System.getProperty("kayak.home", "..")).toAbsolutePath().normalize();
        // Partitions quiesce after 3 s instead of a minute, so that waiting for idle brokers after each workload
        // (as every run does) stays short here.
        CompareMain.Options o = CompareMain.Options.parse(new String[] {"--tiny", "--systems", "kayak", "--work",
                tmp.toString(), "--kayak-config", "kayak.replication.quiesce.ms=3000"});
        Report report = CompareMain.run(home, o);
        String md = report.markdown();
        assertFalse(md.contains(CompareMain.FAILED), "every workload ran to the end:\n" + md);
        for (String workload : List.of("produce acks=all, 3 partitions", "produce acks=all, 12 partitions",
                "produce acks=1, 3 partitions", "produce at 500/s", "end-to-end", "consumer catch-up", "kill -9")) {
            assertTrue(md.contains("| " + workload), workload + " missing from:\n" + md);
        }
        for (String line : md.split("\n")) {
            if (line.startsWith("| produce") || line.startsWith("| end-to-end") || line.startsWith("| consumer")
                    || line.startsWith("| kill")) {
                String metric = line.split("\\|")[2];
                double v = Double.parseDouble(line.split("\\|")[3].trim());
                assertTrue(v >= 0 && Double.isFinite(v), line);
                if (metric.contains("records/s") || metric.contains("MB/s") || metric.contains("p50")) {
                    assertTrue(v > 0, "a measured figure: " + line);
                }
            }
        }
        // The warm-up's own row: one round in a tiny run, its throughput, and the compiler threads' share of the
        // brokers' CPU, read per thread from /proc (a freshly started JVM compiles, so it is above zero).
        assertTrue(md.contains("| " + CompareMain.WARM_UP + " | rounds of 1000 records | 1.00 |"), md);
        assertTrue(figure(md, "records/s, first round (cold)") > 0, md);
        double jit = figure(md, "share of broker CPU in JIT compilers, last round, %");
        assertTrue(jit > 0 && jit < 100, "the compilers' share of the brokers' CPU: " + jit + "\n" + md);
        double free = figure(md, "free memory at the end, % of total");
        assertTrue(free > 0 && free < 100, "free memory read from /proc/meminfo: " + free + "\n" + md);
        assertTrue(md.contains("- kayak: acks=all"), md);
        assertTrue(md.contains("| acknowledged records lost | 0.00 |"), "no acknowledged record lost:\n" + md);
        assertTrue(md.contains("| acknowledged records duplicated | 0.00 |"), md);
        Path pidFile = tmp.resolve("kayak-0/logs/node-1.pid");
        assertEquals(false, pidFile.toFile().exists(), "the cluster was stopped and its PID files removed");
        assertFalse(Files.exists(tmp.resolve("kayak-0/data")), "the cluster's data is deleted once it stopped");
        assertTrue(Files.exists(tmp.resolve("kayak-0/logs/node-1.log")), "its logs stay");
    }

    /** The Kayak value of the first row with figure {@code metric}. */
    private static double figure(String md, String metric) {
        for (String line : md.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length > 3 && cells[2].trim().equals(metric)) {
                return Double.parseDouble(cells[3].trim());
            }
        }
        throw new AssertionError(metric + " missing from:\n" + md);
    }
}
