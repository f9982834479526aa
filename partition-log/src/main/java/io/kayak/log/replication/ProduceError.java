package io.kayak.log.replication;

/** Why a replicated append was refused; the network layer maps these to Kafka error codes. */
public enum ProduceError {
    NONE,
    INVALID_RECORD,
    RECORD_TOO_LARGE,
    OUT_OF_ORDER_SEQUENCE,
    INVALID_PRODUCER_EPOCH,
    STORAGE_ERROR,
    /** DeleteRecords beyond the high watermark. */
    OFFSET_OUT_OF_RANGE
}
