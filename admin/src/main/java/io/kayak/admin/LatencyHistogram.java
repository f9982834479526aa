package io.kayak.admin;

/**
 * Latencies in microseconds, counted in log-linear buckets: exact below {@link #SUB_BUCKETS}, then
 * {@link #SUB_BUCKETS}/2 buckets per power of two, so a percentile is within about 3% of the true value whatever
 * the range, in fixed memory ({@link #BUCKETS} counters) however many records are measured. Not thread-safe: the
 * caller synchronizes.
 */
final class LatencyHistogram {
    /** Values below this have a bucket each; above, each power of two is split into half as many. */
    static final int SUB_BUCKETS = 64;
    private static final int HALF = SUB_BUCKETS / 2;
    private static final int SUB_BITS = Integer.numberOfTrailingZeros(SUB_BUCKETS);
    /** Enough for any non-negative long. */
    static final int BUCKETS = SUB_BUCKETS + (Long.SIZE - SUB_BITS) * HALF;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long sumMicros;
    private long maxMicros;

    void record(long micros) {
        long v = Math.max(0, micros);
        counts[index(v)]++;
        total++;
        sumMicros += v;
        maxMicros = Math.max(maxMicros, v);
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        sumMicros = 0;
        maxMicros = 0;
    }

    long count() {
        return total;
    }

    long maxMicros() {
        return maxMicros;
    }

    double meanMicros() {
        return total == 0 ? 0 : (double) sumMicros / total;
    }

    /** The smallest bucket bound at or below which {@code fraction} of the values lie; 0 when empty. */
    long percentileMicros(double fraction) {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("fraction must be within [0, 1], not " + fraction);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), maxMicros);
            }
        }
        return maxMicros;
    }

    static int index(long v) {
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int exponent = Long.SIZE - 1 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int shift = exponent - (SUB_BITS - 1);
        int mantissa = (int) (v >>> shift); // in [HALF, SUB_BUCKETS)
        return SUB_BUCKETS + (exponent - SUB_BITS) * HALF + (mantissa - HALF);
    }

    /** The largest value that falls into bucket {@code i}. */
    static long upperBound(int i) {
        if (i < SUB_BUCKETS) {
            return i;
        }
        int exponent = (i - SUB_BUCKETS) / HALF + SUB_BITS;
        int mantissa = (i - SUB_BUCKETS) % HALF + HALF;
        int shift = exponent - (SUB_BITS - 1);
        long upper = ((long) (mantissa + 1) << shift) - 1;
        return upper < 0 ? Long.MAX_VALUE : upper;
    }
}
