package io.kayak.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareMainTest {
    @Test
    void aFailedWorkloadIsReportedAndTheNextStillRuns() {
        List<Figure> out = new ArrayList<>();
        CompareMain.attempt("produce acks=1, 100 partitions", out, () -> {
            throw new IllegalStateException("a send failed");
        });
        CompareMain.attempt("end-to-end", out, () -> List.of(new Figure("end-to-end", "p50 ms", 3, false)));
        assertEquals(List.of(new Figure("produce acks=1, 100 partitions", CompareMain.FAILED, 1, false),
                new Figure("end-to-end", "p50 ms", 3, false)), out);
        Report r = new Report();
        r.add("kayak", out);
        assertTrue(r.markdown().contains("| produce acks=1, 100 partitions | " + CompareMain.FAILED + " | 1.00 |"), r.markdown());
    }

    @Test
    void unknownSystemsAndWorkloadsAreUsageErrors() {
        assertThrows(IllegalArgumentException.class, () -> CompareMain.Options.parse(new String[] {"--systems", "redpanda"}));
        assertThrows(IllegalArgumentException.class, () -> CompareMain.Options.parse(new String[] {"--workloads", "soak"}));
    }

    @Test
    void theNoFsyncVariantIsASystem() throws Exception {
        CompareMain.Options o = CompareMain.Options.parse(new String[] {"--quick", "--systems", "kayak,kayak-nofsync,kafka"});
        assertEquals(List.of("kayak", KayakProcesses.NO_FSYNC, "kafka"), o.systems());
    }

    @Test
    void kayakConfigIsKeyValuePairsAndTheWarmUpCanBeSkipped() throws Exception {
        CompareMain.Options o = CompareMain.Options.parse(new String[] {"--quick", "--no-warm-up", "--kayak-config",
                "kayak.replication.election.timeout.min.ms=3000,kayak.replication.election.timeout.max.ms=6000"});
        assertEquals(List.of("kayak.replication.election.timeout.min.ms=3000", "kayak.replication.election.timeout.max.ms=6000"),
                o.kayakConfig());
        assertEquals(false, o.warmUp());
        assertEquals(true, CompareMain.Options.parse(new String[] {"--quick"}).warmUp());
        assertThrows(IllegalArgumentException.class,
                () -> CompareMain.Options.parse(new String[] {"--kayak-config", "no-value-here"}));
        assertThrows(IllegalArgumentException.class,
                () -> CompareMain.Options.parse(new String[] {"--kayak-config", "a=b c"}));
    }

    @Test
    void theWarmUpStopsAfterTwoQuietRoundsInARow() {
        assertEquals(false, CompareMain.jitSettled(List.of()));
        assertEquals(false, CompareMain.jitSettled(List.of(0.01)));
        assertEquals(false, CompareMain.jitSettled(List.of(0.40, 0.04, 0.30, 0.04)));
        assertEquals(false, CompareMain.jitSettled(List.of(0.04, 0.05)));
        assertEquals(true, CompareMain.jitSettled(List.of(0.40, 0.30, 0.049, 0.03)));
    }
}
