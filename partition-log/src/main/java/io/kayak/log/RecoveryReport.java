package io.kayak.log;

/**
 * What opening a log found and repaired.
 *
 * @param indexRebuilt        the index held no state for the partition, so every segment was validated
 * @param batchesValidated    batches read back and checked (length, magic, CRC-32C, offsets)
 * @param validatedFromOffset where validation started: the recovery point, or lower where the index disagreed
 * @param truncatedBytes      bytes of torn or corrupt tail removed from segment files
 * @param segmentsDeleted     whole segment files removed because they followed the first invalid batch
 * @param corruption          why validation stopped early, or null when the log ended cleanly
 */
public record RecoveryReport(boolean indexRebuilt, long batchesValidated, long validatedFromOffset, long truncatedBytes,
                             int segmentsDeleted, String corruption) {
}
