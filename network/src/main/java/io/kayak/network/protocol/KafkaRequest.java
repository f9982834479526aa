package io.kayak.network.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One decoded request: its header, its body (kafka-clients' generated {@code *RequestData}), the listener it
 * arrived on (Metadata answers with that listener's endpoints).
 */
public record KafkaRequest(RequestHeader header, ApiMessage body, String listener) {
    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short version() {
        return header.apiVersion();
    }
}
