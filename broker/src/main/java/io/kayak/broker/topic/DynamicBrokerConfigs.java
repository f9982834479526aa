package io.kayak.broker.topic;

import io.kayak.log.LogConfig;
import io.kayak.metadata.MetadataErrorCode;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.MetadataRejectedException;
import io.kayak.metadata.TopicImage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kafka's dynamic broker configs that Kayak honours: {@link LogConfig#RETENTION_MS}, {@link LogConfig#RETENTION_BYTES},
 * {@link LogConfig#SEGMENT_BYTES} and {@link #CLEANUP_POLICY} (only {@link #DELETE}). They are set cluster-wide (Kafka's
 * {@code BROKER} resource "", kept as the metadata image's cluster configs) or for one node (the resource named by the
 * node id, kept as that node's broker configs), and take precedence as in Kafka: per-broker over the cluster-wide
 * default over the node's file over the built-in default. A topic's own override beats them all.
 *
 * <p>They reach open partition logs as the default of the matching topic config ({@link #topicConfigsWithDefaults}):
 * the replica manager compares a replica's effective topic configs on every metadata change and reconfigures the
 * open log when they differ, exactly as for a topic config change.
 *
 * <p>Pure functions of their arguments; thread-safe.
 */
public final class DynamicBrokerConfigs {
    /** Kafka's broker-level cleanup policy; Kayak only deletes, it never compacts. */
    public static final String CLEANUP_POLICY = "log.cleanup.policy";
    public static final String DELETE = "delete";

    /** Each dynamic key that is the default of a topic config, to that topic config's name. */
    private static final Map<String, String> TOPIC_KEYS = Map.of(
            LogConfig.RETENTION_MS, "retention.ms",
            LogConfig.RETENTION_BYTES, "retention.bytes",
            LogConfig.SEGMENT_BYTES, "segment.bytes");

    /** Every broker config that can be changed at run time. */
    public static final Set<String> KEYS = Set.of(LogConfig.RETENTION_MS, LogConfig.RETENTION_BYTES, LogConfig.SEGMENT_BYTES,
            CLEANUP_POLICY);

    /** Forms of a broker key in the node's file that set the same value ({@code log.retention.hours}...). */
    private static final Map<String, List<String>> STATIC_FORMS = Map.of(
            LogConfig.RETENTION_MS, List.of(LogConfig.RETENTION_MS, LogConfig.RETENTION_MINUTES, LogConfig.RETENTION_HOURS),
            LogConfig.ROLL_MS, List.of(LogConfig.ROLL_MS, LogConfig.ROLL_HOURS));

    private DynamicBrokerConfigs() {
    }

    /** Where a dynamic key's value in force on a node comes from. */
    public enum Source { DYNAMIC_BROKER, DYNAMIC_DEFAULT_BROKER, STATIC_BROKER, DEFAULT }

    /** A dynamic key's value in force on a node, and its source. */
    public record Effective(String name, String value, Source source) {
    }

    /** The dynamic values in force on {@code nodeId}: its own over the cluster-wide defaults; keys set nowhere are absent. */
    public static Map<String, String> inForce(MetadataImage image, int nodeId) {
        Map<String, String> out = new TreeMap<>();
        image.clusterConfigs().forEach((k, v) -> {
            if (KEYS.contains(k)) {
                out.put(k, v);
            }
        });
        image.brokerConfigs(nodeId).forEach((k, v) -> {
            if (KEYS.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The node's log settings from its file, with the dynamic values in force over them. */
    public static LogConfig logConfig(LogConfig node, Map<String, String> inForce) {
        Map<String, String> m = node.toMap();
        inForce.forEach((k, v) -> {
            if (TOPIC_KEYS.containsKey(k)) {
                m.put(k, v);
            }
        });
        return LogConfig.from(m);
    }

    /**
     * A topic's configs plus, for each topic config the topic does not set, the dynamic broker value in force as its
     * default: what a replica's log is configured from, so a change of either reaches the open log. Values were
     * checked against the file of the node that took the request; should they make an invalid combination with this
     * node's file (another {@code message.max.bytes}), the topic's own configs are returned alone, so the
     * partition still opens, with the node's file under it.
     */
    public static Map<String, String> topicConfigsWithDefaults(LogConfig node, Map<String, String> inForce,
                                                               Map<String, String> topicConfigs) {
        if (inForce.isEmpty()) {
            return topicConfigs;
        }
        Map<String, String> out = new HashMap<>(topicConfigs);
        inForce.forEach((k, v) -> {
            String topicKey = TOPIC_KEYS.get(k);
            if (topicKey != null) {
                out.putIfAbsent(topicKey, v);
            }
        });
        try {
            TopicConfigs.logConfig(node, out);
        } catch (IllegalArgumentException e) {
            return topicConfigs;
        }
        return Map.copyOf(out);
    }

    /**
     * Checks dynamic values for one resource before they are proposed: only {@link #KEYS} ({@link
     * MetadataErrorCode#INVALID_REQUEST}, Kafka's answer for a key it cannot update dynamically), and values this node
     * would accept with every topic's overrides on top ({@link MetadataErrorCode#INVALID_CONFIG}). Call it with the
     * resource's own values after the change and again with the node's values in force after it: a node's own value
     * must not hide a bad cluster-wide one that every other node would have to apply.
     *
     * @param changes  the keys to set (non-null value) or remove (null)
     * @param values   dynamic values to check as if they were in force on this node
     */
    public static void validate(LogConfig node, Map<String, String> changes, Map<String, String> values, MetadataImage image) {
        Map<String, String> inForce = new TreeMap<>();
        values.forEach((k, v) -> {
            if (KEYS.contains(k)) {
                inForce.put(k, v);
            }
        });
        Set<String> unsupported = new TreeSet<>(changes.keySet());
        unsupported.removeAll(KEYS);
        if (!unsupported.isEmpty()) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_REQUEST, "Cannot update these configs dynamically: "
                    + unsupported + "; Kayak changes only " + new TreeSet<>(KEYS) + " at run time");
        }
        String policy = inForce.get(CLEANUP_POLICY);
        if (policy != null && !policy.trim().equals(DELETE)) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_CONFIG, CLEANUP_POLICY + "=" + policy
                    + " is not supported: Kayak deletes old segments by retention and does not compact; use " + DELETE);
        }
        LogConfig base;
        try {
            base = logConfig(node, inForce);
        } catch (IllegalArgumentException e) {
            throw new MetadataRejectedException(MetadataErrorCode.INVALID_CONFIG, e.getMessage());
        }
        for (TopicImage t : image.topics().values()) {
            try {
                TopicConfigs.logConfig(base, t.configs());
            } catch (IllegalArgumentException e) {
                throw new MetadataRejectedException(MetadataErrorCode.INVALID_CONFIG, "topic '" + t.name()
                        + "' would not accept it with its own configs " + t.configs() + ": " + e.getMessage());
            }
        }
    }

    /** Every dynamic key's value in force on {@code nodeId}, with its source, in key order. */
    public static List<Effective> effective(LogConfig node, Map<String, String> fileProps, MetadataImage image, int nodeId) {
        Map<String, String> log = logConfig(node, inForce(image, nodeId)).toMap();
        Map<String, Effective> out = new LinkedHashMap<>();
        for (String key : new TreeSet<>(KEYS)) {
            String value = key.equals(CLEANUP_POLICY) ? inForce(image, nodeId).getOrDefault(key, DELETE) : log.get(key);
            out.put(key, new Effective(key, value, source(key, fileProps, image, nodeId)));
        }
        return List.copyOf(out.values());
    }

    /** Where the value of broker config {@code key} in force on {@code nodeId} comes from. */
    public static Source source(String key, Map<String, String> fileProps, MetadataImage image, int nodeId) {
        if (KEYS.contains(key) && image.brokerConfigs(nodeId).containsKey(key)) {
            return Source.DYNAMIC_BROKER;
        }
        if (KEYS.contains(key) && image.clusterConfigs().containsKey(key)) {
            return Source.DYNAMIC_DEFAULT_BROKER;
        }
        return STATIC_FORMS.getOrDefault(key, List.of(key)).stream().anyMatch(fileProps::containsKey) ? Source.STATIC_BROKER
                : Source.DEFAULT;
    }
}
