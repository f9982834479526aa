package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.ProducerIds;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId for idempotent producers: a fresh cluster-unique producer id at epoch 0. Transactions are not
 * supported: a transactional id is refused.
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final ProducerIds ids;

    public InitProducerIdHandler(ProducerIds ids) {
        this.ids = ids;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        InitProducerIdRequestData req = (InitProducerIdRequestData) request.body();
        if (req.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()).setProducerId(-1).setProducerEpoch((short) -1));
        }
        return ids.next().handle((id, e) -> e != null
                ? new InitProducerIdResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                        .setProducerId(-1).setProducerEpoch((short) -1)
                : new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0));
    }
}
