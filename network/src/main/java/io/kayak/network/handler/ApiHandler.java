package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one API. Called on a Netty event loop: it must not block; slow work completes the future later from
 * any thread. A future completing with null sends no response (acks=0 produce); one completing exceptionally
 * closes the connection, as Kafka does for a request it cannot answer.
 */
@FunctionalInterface
public interface ApiHandler {
    CompletableFuture<ApiMessage> handle(KafkaRequest request);
}
