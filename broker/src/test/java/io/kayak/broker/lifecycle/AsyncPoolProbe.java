package io.kayak.broker.lifecycle;

import java.util.concurrent.CompletableFuture;

/** Run in a fresh JVM by {@link AsyncPoolTest}: configures the pool as {@code main} does and prints the outcome. */
public final class AsyncPoolProbe {
    private AsyncPoolProbe() {
    }

    public static void main(String[] args) {
        int parallelism = AsyncPool.configure();
        String executor = new CompletableFuture<Void>().defaultExecutor().getClass().getSimpleName();
        System.out.println(parallelism + " " + executor);
    }
}
