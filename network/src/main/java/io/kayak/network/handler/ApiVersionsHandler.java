package io.kayak.network.handler;

import io.kayak.network.protocol.ApiVersionTable;
import io.kayak.network.protocol.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

/** ApiVersions: the {@link ApiVersionTable}. (Unsupported versions are answered by the connection, in v0.) */
public final class ApiVersionsHandler implements ApiHandler {
    private final ApiVersionTable versions;

    public ApiVersionsHandler(ApiVersionTable versions) {
        this.versions = versions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        return CompletableFuture.completedFuture(new ApiVersionsResponseData().setApiKeys(versions.toApiVersions()));
    }
}
