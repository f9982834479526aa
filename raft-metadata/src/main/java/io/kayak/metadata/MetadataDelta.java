package io.kayak.metadata;

import io.kayak.metadata.record.MetadataRecord;

/** What one applied log entry did: the record at {@code index} and its outcome (refused records change nothing). */
public record MetadataDelta(long index, MetadataRecord record, ApplyResult result) {
}
