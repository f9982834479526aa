package io.kayak.network.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One decoded request: its header, its body (kafka-clients' generated {@code *RequestData}), the listener it
 * arrived on (Metadata answers with that listener's endpoints) and the client's address as Kafka shows it
 * ({@code /127.0.0.1}, in group descriptions).
 */
public record KafkaRequest(RequestHeader header, ApiMessage body, String listener, String clientHost) {
    public KafkaRequest(RequestHeader header, ApiMessage body, String listener) {
        this(header, body, listener, "");
    }

    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short version() {
        return header.apiVersion();
    }
}
