package io.kayak.loadtest;

import java.util.Arrays;

/** Nearest-rank percentiles of latencies in nanoseconds, reported in milliseconds. */
final class Percentiles {
    private final long[] sortedNs;

    Percentiles(long[] latenciesNs, int count) {
        this.sortedNs = Arrays.copyOf(latenciesNs, count);
        Arrays.sort(sortedNs);
    }

    /** The {@code p}-th percentile (0 < p <= 100) in ms, or NaN without samples. */
    double ms(double p) {
        if (sortedNs.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedNs.length);
        return sortedNs[Math.max(0, Math.min(sortedNs.length - 1, rank - 1))] / 1e6;
    }
}
