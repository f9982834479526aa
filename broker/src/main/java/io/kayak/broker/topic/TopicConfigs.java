package io.kayak.broker.topic;

import io.kayak.log.LogConfig;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataRejectedException;
import java.util.Map;

/**
 * Kafka's topic-level config names that Kayak honours, and the partition log settings they override. Other
 * names are stored with the topic (so tools that set them keep working) and have no effect.
 */
public final class TopicConfigs {
    /** Topic config name to the log key it overrides. */
    private static final Map<String, String> TOPIC_KEYS = Map.of(
            "retention.ms", LogConfig.RETENTION_MS,
            "retention.bytes", LogConfig.RETENTION_BYTES,
            "segment.bytes", LogConfig.SEGMENT_BYTES,
            "segment.ms", LogConfig.ROLL_MS,
            "max.message.bytes", LogConfig.MESSAGE_MAX_BYTES,
            "file.delete.delay.ms", LogConfig.FILE_DELETE_DELAY_MS);

    /**
     * Each honoured topic config to the broker config it defaults to (Kafka's synonyms), {@link #CLEANUP_POLICY}
     * included.
     */
    public static Map<String, String> brokerKeys() {
        Map<String, String> m = new java.util.HashMap<>(TOPIC_KEYS);
        m.put(CLEANUP_POLICY, DynamicBrokerConfigs.CLEANUP_POLICY);
        return m;
    }

    /** Kafka's cleanup policy key; only {@link #DELETE} is accepted. */
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE = "delete";

    private TopicConfigs() {
    }

    /**
     * The node's log settings with the topic's overrides applied, fsyncing only when the replication state
     * machine records a snapshot: until then the Raft log and the entry journal replay what a crash lost.
     *
     * @throws IllegalArgumentException if a value is malformed or the combination contradicts itself
     */
    public static LogConfig logConfig(LogConfig node, Map<String, String> topicConfigs) {
        Map<String, String> m = node.toMap();
        for (Map.Entry<String, String> e : topicConfigs.entrySet()) {
            String key = TOPIC_KEYS.get(e.getKey());
            if (key != null) {
                m.put(key, e.getValue());
            }
        }
        m.put(LogConfig.FLUSH_POLICY, "never");
        return LogConfig.from(m);
    }

    /**
     * The effective value of every topic config Kayak honours (the topic's overrides over the node's log
     * settings), by Kafka's topic config name, plus {@code cleanup.policy}, which is always {@code delete}
     * ({@link #validate} refuses anything else).
     */
    public static Map<String, String> effective(LogConfig node, Map<String, String> topicConfigs) {
        Map<String, String> log = logConfig(node, topicConfigs).toMap();
        Map<String, String> out = new java.util.TreeMap<>();
        TOPIC_KEYS.forEach((topicKey, logKey) -> out.put(topicKey, log.get(logKey)));
        out.put(CLEANUP_POLICY, DELETE);
        return out;
    }

    /**
     * Refuses topic configs every replica would refuse when it opens the log, so a bad value fails the request
     * instead of leaving partitions that never come up.
     *
     * @throws MetadataRejectedException with {@link MetadataErrorCode#INVALID_CONFIG}
     */
    public static void validate(LogConfig node, Map<String, String> topicConfigs) {
        String policy = topicConfigs.get(CLEANUP_POLICY);
        if (policy != null && !policy.trim().equals(DELETE)) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_CONFIG, CLEANUP_POLICY + "=" + policy
                    + " is not supported: Kayak deletes old segments by retention and does not compact; use " + DELETE);
        }
        try {
            logConfig(node, topicConfigs);
        } catch (IllegalArgumentException e) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_CONFIG, e.getMessage());
        }
    }
}
