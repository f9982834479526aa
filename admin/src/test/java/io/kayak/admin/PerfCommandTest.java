package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code perf produce|consume} on small runs against three in-process nodes: counts and the summary's shape, no timings. */
@Tag("integration")
class PerfCommandTest extends ClusterCliTest {
    @BeforeAll
    static void start() throws Exception {
        startCluster(Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @Test
    void produceThenConsumeReportCountsThroughputAndLatencyPercentiles() {
        ok("topics", "create", "--topic", "perf", "--partitions", "3", "--replication-factor", "3");
        awaitDescribed("perf", t -> java.util.stream.StreamSupport.stream(t.get("partitions").spliterator(), false)
                .noneMatch(p -> p.get("leader").isNull()));

        JsonNode produced = ok("perf", "produce", "--topic", "perf", "--num-records", "2000", "--record-size", "100", "--json").json();
        assertEquals(2000, produced.get("records").asLong(), produced::toString);
        assertEquals(200_000, produced.get("bytes").asLong(), produced::toString);
        assertEquals(0, produced.get("failed").asLong(), produced::toString);
        assertTrue(produced.get("recordsPerSec").asDouble() > 0 && produced.get("mbPerSec").asDouble() > 0, produced::toString);
        double p50 = produced.get("p50LatencyMs").asDouble();
        double p95 = produced.get("p95LatencyMs").asDouble();
        double p99 = produced.get("p99LatencyMs").asDouble();
        double p999 = produced.get("p999LatencyMs").asDouble();
        assertTrue(0 < p50 && p50 <= p95 && p95 <= p99 && p99 <= p999 && p999 <= produced.get("maxLatencyMs").asDouble(),
                produced::toString);

        // Paced at 300 records/s, 300 records take at least a second: several 100 ms progress lines go to stderr.
        Cli.Result paced = ok("perf", "produce", "--topic", "perf", "--num-records", "300", "--record-size", "10", "--throughput", "300",
                "--reporting-interval-ms", "100", "--producer-property", "acks=1");
        assertTrue(paced.out().matches("300 records sent, [\\d.]+ records/s \\([\\d.]+ MB/s\\), [\\d.]+ ms avg latency, [\\d.]+ ms max latency,"
                + " [\\d.]+ ms 50th, [\\d.]+ ms 95th, [\\d.]+ ms 99th, [\\d.]+ ms 99.9th.\n"), paced::toString);
        assertTrue(paced.err().lines().anyMatch(l -> l.matches("\\d+ records sent, [\\d.]+ records/s \\([\\d.]+ MB/s\\), [\\d.]+ ms avg latency,"
                + " [\\d.]+ ms max latency")), paced::toString);

        JsonNode consumed = ok("perf", "consume", "--topic", "perf", "--num-records", "2300", "--json").json();
        assertEquals(2300, consumed.get("records").asLong(), consumed::toString);
        assertEquals(200_000 + 3_000, consumed.get("bytes").asLong(), consumed::toString);
        assertTrue(consumed.get("recordsPerSec").asDouble() > 0, consumed::toString);
        Cli.Result grouped = ok("perf", "consume", "--topic", "perf", "--num-records", "2300", "--group", "perf-readers",
                "--consumer-property", "max.poll.records=100");
        assertTrue(grouped.out().matches("2300 records consumed, [\\d.]+ records/s \\([\\d.]+ MB/s\\) in \\d+ ms.\n"), grouped::toString);

        Cli.Result tooFew = Cli.kafka(bootstrap, "perf", "consume", "--topic", "perf", "--num-records", "5000", "--timeout-ms", "1000");
        assertEquals(1, tooFew.exit(), tooFew::toString);
        assertTrue(tooFew.out().startsWith("2300 records consumed"), tooFew::toString);
        assertTrue(tooFew.err().contains("consumed 2300 of 5000 records: none arrived for 1000 ms"), tooFew::toString);
    }

    @Test
    void wrongInputToPerf() {
        failed(1, "the topic or partition does not exist", "perf", "produce", "--topic", "no-such-topic", "--num-records", "1",
                "--record-size", "1");
        failed(1, "the topic or partition does not exist", "perf", "consume", "--topic", "no-such-topic", "--num-records", "1");
        failed(2, "--throughput positive or -1", "perf", "produce", "--topic", "t", "--num-records", "1", "--record-size", "1",
                "--throughput", "0");
        failed(2, "--producer-property bogus: not a config", "perf", "produce", "--topic", "t", "--num-records", "1",
                "--record-size", "1", "--producer-property", "bogus=1");
        failed(2, "--consumer-property bogus: not a config", "perf", "consume", "--topic", "t", "--num-records", "1",
                "--consumer-property", "bogus=1");
        failed(2, "Missing required option: '--num-records", "perf", "consume", "--topic", "t");
    }
}
