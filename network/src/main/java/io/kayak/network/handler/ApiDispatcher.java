package io.kayak.network.handler;

import io.kayak.network.protocol.ApiVersionTable;
import io.kayak.network.protocol.KafkaRequest;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Routes each request to the handler of its API. Built once per node; every API in the {@link ApiVersionTable}
 * must have a handler, which the constructor checks, so the table never advertises what nothing serves.
 */
public final class ApiDispatcher {
    private final ApiVersionTable versions;
    private final Map<ApiKeys, ApiHandler> handlers;

    public ApiDispatcher(ApiVersionTable versions, Map<ApiKeys, ApiHandler> handlers) {
        for (ApiKeys key : versions.ranges().keySet()) {
            if (!handlers.containsKey(key)) {
                throw new IllegalArgumentException("the version table advertises " + key + " but no handler serves it");
            }
        }
        this.versions = versions;
        this.handlers = new EnumMap<>(handlers);
    }

    public ApiVersionTable versions() {
        return versions;
    }

    /** Handles a request whose version the table supports. */
    public CompletableFuture<ApiMessage> dispatch(KafkaRequest request) {
        ApiHandler h = handlers.get(request.apiKey());
        if (h == null || !versions.supports(request.apiKey(), request.version())) {
            return CompletableFuture.failedFuture(new IllegalStateException("no handler for " + request.apiKey()
                    + " v" + request.version()));
        }
        try {
            return h.handle(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
