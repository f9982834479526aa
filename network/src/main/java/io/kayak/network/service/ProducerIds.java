package io.kayak.network.service;

import java.util.concurrent.CompletableFuture;

/** Hands out producer ids for idempotent producers, unique across the cluster (blocks from the metadata quorum). */
public interface ProducerIds {
    CompletableFuture<Long> next();
}
