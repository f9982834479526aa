package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void percentilesOfSmallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 50; v++) {
            h.record(v);
        }
        assertEquals(25, h.percentileMicros(0.5));
        assertEquals(50, h.percentileMicros(0.999));
        assertEquals(50, h.maxMicros());
        assertEquals(25.5, h.meanMicros(), 1e-9);
    }

    @Test
    void percentilesOfAWideRangeAreWithinThreePercent() {
        LatencyHistogram h = new LatencyHistogram();
        long[] values = new long[100_000];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble() * Math.log(10_000_000));
            h.record(values[i]);
        }
        java.util.Arrays.sort(values);
        for (double f : new double[] {0.5, 0.95, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(f * values.length) - 1];
            long approx = h.percentileMicros(f);
            assertTrue(approx >= exact && approx <= exact * 1.03 + 1, f + ": " + approx + " vs " + exact);
        }
    }

    @Test
    void everyValueFallsIntoABucketWhoseBoundHoldsIt() {
        for (long v : new long[] {0, 63, 64, 65, 127, 128, 1_000_003, Long.MAX_VALUE}) {
            int i = LatencyHistogram.index(v);
            assertTrue(i >= 0 && i < LatencyHistogram.BUCKETS, () -> v + " -> " + i);
            assertTrue(LatencyHistogram.upperBound(i) >= v, () -> v + " above the bound of bucket " + i);
            assertTrue(i == 0 || LatencyHistogram.upperBound(i - 1) < v, () -> v + " belongs to an earlier bucket than " + i);
        }
        assertEquals(0, new LatencyHistogram().percentileMicros(0.99));
        assertThrows(IllegalArgumentException.class, () -> new LatencyHistogram().percentileMicros(1.5));
    }
}
