package io.kayak.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {
    @Test
    void mediansRangesAndRatiosPerFigure() {
        Report r = new Report();
        for (double v : new double[] {100, 300, 200}) {
            r.add("kayak", List.of(new Figure("produce", "records/s", v, true), new Figure("e2e", "p50 ms", v / 100, false)));
        }
        for (double v : new double[] {400, 400, 400}) {
            r.add("kafka", List.of(new Figure("produce", "records/s", v, true)));
        }
        String md = r.markdown();
        assertTrue(md.contains("| produce | records/s | 200.0 [100.0–300.0] | 400.0 [400.0–400.0] | 0.50 (higher is better) |"), md);
        assertTrue(md.contains("| workload | figure | Kayak | Kafka | Kayak/Kafka |"), md);
        assertTrue(md.contains("| e2e | p50 ms | 2.00 [1.00–3.00] | – | – |"), md);
    }

    @Test
    void aVariantWithoutFsyncGetsItsOwnColumnAndRatio() {
        Report r = new Report();
        r.add("kayak", List.of(new Figure("produce", "MB/s", 30, true)));
        r.add(KayakProcesses.NO_FSYNC, List.of(new Figure("produce", "MB/s", 45, true)));
        r.add("kafka", List.of(new Figure("produce", "MB/s", 60, true)));
        String md = r.markdown();
        assertTrue(md.contains("| workload | figure | Kayak | Kayak (no fsync) | Kafka | Kayak/Kafka | Kayak (no fsync)/Kafka |"
                + "\n|---|---|---|---|---|---|---|\n"), md);
        assertTrue(md.contains("| produce | MB/s | 30.0 | 45.0 | 60.0 | 0.50 (higher is better) | 0.75 (higher is better) |"), md);
    }

    @Test
    void withoutKafkaThereAreNoRatioColumns() {
        Report r = new Report();
        r.add("kayak", List.of(new Figure("produce", "MB/s", 30, true)));
        String md = r.markdown();
        assertTrue(md.contains("| workload | figure | Kayak |\n|---|---|---|\n| produce | MB/s | 30.0 |"), md);
    }

    @Test
    void nearestRankPercentiles() {
        long[] ns = new long[100];
        for (int i = 0; i < 100; i++) {
            ns[i] = (100 - i) * 1_000_000L;
        }
        Percentiles p = new Percentiles(ns, 100);
        assertEquals(50.0, p.ms(50));
        assertEquals(99.0, p.ms(99));
        assertEquals(100.0, p.ms(99.9));
        assertTrue(Double.isNaN(new Percentiles(new long[0], 0).ms(50)));
    }
}
