package io.kayak.broker.group;

import io.kayak.broker.config.KayakConfig;
import java.util.Map;
import java.util.Set;

/**
 * The group coordinator's settings, Kafka's keys with Kafka's defaults: the one place they are read.
 * docs/OPERATIONS.md lists them.
 *
 * @param minSessionTimeoutMs     members asking for a shorter session are refused (INVALID_SESSION_TIMEOUT)
 * @param maxSessionTimeoutMs     and a longer one
 * @param initialRebalanceDelayMs an empty group's first rebalance waits this long (extended while members keep
 *                                arriving, up to the rebalance timeout) so a starting fleet lands in one generation
 * @param maxSize                 members per group; more are refused with GROUP_MAX_SIZE_REACHED
 * @param offsetsRetentionMs      committed offsets of a group that has been empty this long are deleted
 * @param retentionCheckIntervalMs how often the coordinator looks for such groups
 * @param offsetMetadataMaxBytes  the metadata string of a committed offset is at most this long
 */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs, int maxSize,
                          long offsetsRetentionMs, long retentionCheckIntervalMs, int offsetMetadataMaxBytes) {
    public static final String MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String MAX_SIZE = "group.max.size";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final Set<String> KEYS = Set.of(MIN_SESSION_TIMEOUT_MS, MAX_SESSION_TIMEOUT_MS, INITIAL_REBALANCE_DELAY_MS,
            MAX_SIZE, OFFSETS_RETENTION_MINUTES, OFFSETS_RETENTION_CHECK_INTERVAL_MS, OFFSET_METADATA_MAX_BYTES);

    public GroupConfig {
        if (maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new IllegalArgumentException(MAX_SESSION_TIMEOUT_MS + "=" + maxSessionTimeoutMs + " is below "
                    + MIN_SESSION_TIMEOUT_MS + "=" + minSessionTimeoutMs);
        }
    }

    public static GroupConfig from(Map<String, String> props) {
        return new GroupConfig(
                (int) KayakConfig.longValue(props, MIN_SESSION_TIMEOUT_MS, 6_000, 1, Integer.MAX_VALUE),
                (int) KayakConfig.longValue(props, MAX_SESSION_TIMEOUT_MS, 1_800_000, 1, Integer.MAX_VALUE),
                (int) KayakConfig.longValue(props, INITIAL_REBALANCE_DELAY_MS, 3_000, 0, Integer.MAX_VALUE),
                (int) KayakConfig.longValue(props, MAX_SIZE, Integer.MAX_VALUE, 1, Integer.MAX_VALUE),
                KayakConfig.longValue(props, OFFSETS_RETENTION_MINUTES, 10_080, 1, Integer.MAX_VALUE) * 60_000L,
                KayakConfig.longValue(props, OFFSETS_RETENTION_CHECK_INTERVAL_MS, 600_000, 1, Long.MAX_VALUE),
                (int) KayakConfig.longValue(props, OFFSET_METADATA_MAX_BYTES, 4_096, 0, Integer.MAX_VALUE));
    }
}
