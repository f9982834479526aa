package io.kayak.metadata;

/**
 * Told about every applied record, in log order, on the state machine's apply thread: keep it short and
 * hand longer work off. Exceptions are logged and do not stop the state machine.
 */
@FunctionalInterface
public interface MetadataListener {
    void onApplied(MetadataImage before, MetadataDelta delta, MetadataImage after);
}
