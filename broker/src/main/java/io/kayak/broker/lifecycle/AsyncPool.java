package io.kayak.broker.lifecycle;

import java.util.concurrent.ForkJoinPool;

/**
 * Makes the JDK's default asynchronous pool a real pool before anything uses it.
 *
 * <p>{@code CompletableFuture}'s {@code xxxAsync} methods without an executor run on the common
 * {@link ForkJoinPool}, unless its parallelism is 1 (the default on a machine with two cores), in which case
 * the JDK starts a new thread per task. Ratis uses such calls on its hot paths (a follower's append chains its
 * entries with {@code thenComposeAsync}), so on two cores every replicated append started a thread. The
 * property is read once, when the pool class initialises: {@link #configure} must run first thing in
 * {@code main}; the launch script and the test JVMs also pass it on the command line.
 */
public final class AsyncPool {
    /** The JDK system property fixing the common pool's parallelism. */
    public static final String PARALLELISM_PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** The least parallelism for which the JDK uses the pool instead of a thread per task. */
    static final int MIN_PARALLELISM = 2;

    private AsyncPool() {
    }

    /**
     * Sets the common pool's parallelism to at least {@link #MIN_PARALLELISM} unless it is set already.
     *
     * @return the parallelism in effect, which stays below the minimum only if the pool was initialised before
     */
    public static int configure() {
        if (System.getProperty(PARALLELISM_PROPERTY) == null) {
            int cores = Runtime.getRuntime().availableProcessors();
            System.setProperty(PARALLELISM_PROPERTY, Integer.toString(Math.max(MIN_PARALLELISM, cores - 1)));
        }
        return ForkJoinPool.getCommonPoolParallelism();
    }
}
