package io.kayak.broker.config;

import io.kayak.broker.group.GroupConfig;
import io.kayak.broker.metrics.ObservabilityConfig;
import io.kayak.broker.replica.ReplicationConfig;
import io.kayak.log.LogConfig;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.quorum.MetadataConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's configuration, read from one properties file. Each module reads its own keys ({@link LogConfig},
 * {@link MetadataConfig}); this class reads the node's keys, resolves relative paths against the directory
 * of the file, and refuses keys no module claims and contradictions, naming the keys.
 *
 * <p>Immutable.
 */
public final class KayakConfig {
    public static final String NODE_ID = "node.id";
    public static final String BROKER_ID = "broker.id";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String LOG_DIRS = "log.dirs";
    public static final String BROKER_RACK = "broker.rack";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String HTTP_PORT = "kayak.http.port";
    /** Where the metadata quorum keeps its Raft log when {@code kayak.metadata.dir} is not set: under the first log dir. */
    public static final String DEFAULT_METADATA_SUBDIR = ".kayak-metadata";

    private static final Set<String> NODE_KEYS = Set.of(NODE_ID, BROKER_ID, LISTENERS, ADVERTISED_LISTENERS, LOG_DIRS,
            BROKER_RACK, NUM_PARTITIONS, DEFAULT_REPLICATION_FACTOR, DELETE_TOPIC_ENABLE, AUTO_CREATE_TOPICS_ENABLE,
            SOCKET_REQUEST_MAX_BYTES, HEARTBEAT_INTERVAL_MS, SESSION_TIMEOUT_MS, HTTP_PORT);

    private final Path file;
    private final Map<String, String> props;
    private final int nodeId;
    private final List<Endpoint> listeners;
    private final List<Endpoint> advertisedListeners;
    private final List<Path> logDirs;
    private final String rack;
    private final int numPartitions;
    private final short defaultReplicationFactor;
    private final boolean deleteTopicEnable;
    private final boolean autoCreateTopicsEnable;
    private final int socketRequestMaxBytes;
    private final long heartbeatIntervalMs;
    private final long sessionTimeoutMs;
    private final int httpPort;
    private final LogConfig logConfig;
    private final MetadataConfig metadataConfig;
    private final ReplicationConfig replicationConfig;
    private final GroupConfig groupConfig;
    private final ObservabilityConfig observabilityConfig;

    private KayakConfig(Path file, Map<String, String> props) {
        this.file = file;
        this.props = Map.copyOf(props);
        Set<String> unknown = new TreeSet<>(props.keySet());
        unknown.removeAll(NODE_KEYS);
        unknown.removeAll(LogConfig.KEYS);
        unknown.removeAll(MetadataConfig.KEYS);
        unknown.removeAll(ReplicationConfig.KEYS);
        unknown.removeAll(GroupConfig.KEYS);
        unknown.removeAll(ObservabilityConfig.KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration keys in " + file + ": " + String.join(", ", unknown)
                    + " (docs/OPERATIONS.md lists every key)");
        }
        nodeId = readNodeId(props);
        listeners = parseListeners(LISTENERS, required(props, LISTENERS));
        advertisedListeners = props.containsKey(ADVERTISED_LISTENERS)
                ? parseListeners(ADVERTISED_LISTENERS, props.get(ADVERTISED_LISTENERS)) : listeners;
        Set<String> names = new HashSet<>();
        listeners.forEach(l -> names.add(l.listener()));
        for (Endpoint a : advertisedListeners) {
            if (!names.contains(a.listener())) {
                throw new IllegalArgumentException(ADVERTISED_LISTENERS + " names listener " + a.listener()
                        + ", which " + LISTENERS + " does not define");
            }
        }
        logDirs = new ArrayList<>();
        for (String d : required(props, LOG_DIRS).split(",")) {
            if (!d.isBlank()) {
                logDirs.add(resolve(d.trim()));
            }
        }
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException(LOG_DIRS + " names no directory");
        }
        rack = props.get(BROKER_RACK);
        numPartitions = (int) longValue(props, NUM_PARTITIONS, 1, 1, Integer.MAX_VALUE);
        defaultReplicationFactor = (short) longValue(props, DEFAULT_REPLICATION_FACTOR, 1, 1, Short.MAX_VALUE);
        deleteTopicEnable = boolValue(props, DELETE_TOPIC_ENABLE, true);
        autoCreateTopicsEnable = boolValue(props, AUTO_CREATE_TOPICS_ENABLE, true);
        socketRequestMaxBytes = (int) longValue(props, SOCKET_REQUEST_MAX_BYTES, 104_857_600, 1024, Integer.MAX_VALUE);
        heartbeatIntervalMs = longValue(props, HEARTBEAT_INTERVAL_MS, 2_000, 10, Long.MAX_VALUE);
        sessionTimeoutMs = longValue(props, SESSION_TIMEOUT_MS, 9_000, 10, Long.MAX_VALUE);
        if (sessionTimeoutMs <= heartbeatIntervalMs) {
            throw new IllegalArgumentException(SESSION_TIMEOUT_MS + "=" + sessionTimeoutMs + " must exceed "
                    + HEARTBEAT_INTERVAL_MS + "=" + heartbeatIntervalMs + ", or every broker would be fenced between heartbeats");
        }
        httpPort = (int) longValue(props, HTTP_PORT, -1, -1, 65_535);
        logConfig = LogConfig.from(props);
        Map<String, String> metadataProps = new HashMap<>(props);
        if (props.containsKey(MetadataConfig.DIR)) {
            metadataProps.put(MetadataConfig.DIR, resolve(props.get(MetadataConfig.DIR)).toString());
        }
        metadataConfig = MetadataConfig.from(nodeId, metadataProps, logDirs.get(0).resolve(DEFAULT_METADATA_SUBDIR));
        Map<String, String> replicationProps = new HashMap<>(props);
        if (props.containsKey(ReplicationConfig.DIR)) {
            replicationProps.put(ReplicationConfig.DIR, resolve(props.get(ReplicationConfig.DIR)).toString());
        }
        replicationConfig = ReplicationConfig.from(replicationProps, listeners.get(0).host(),
                logDirs.get(0).resolve(ReplicationConfig.DEFAULT_SUBDIR));
        groupConfig = GroupConfig.from(props);
        observabilityConfig = ObservabilityConfig.from(props);
        String replicationAddress = replicationConfig.address();
        for (Endpoint l : listeners) {
            if ((l.host() + ":" + l.port()).equals(replicationAddress)) {
                throw new IllegalArgumentException(ReplicationConfig.LISTENER + "=" + replicationAddress + " is also listener "
                        + l.listener() + " in " + LISTENERS + "; give partition replication its own port");
            }
        }
        if (metadataConfig.self().address().equals(replicationAddress)) {
            throw new IllegalArgumentException(ReplicationConfig.LISTENER + "=" + replicationAddress
                    + " is this node's metadata quorum address; give partition replication its own port");
        }
    }

    /** Reads and validates {@code file}; every problem is an {@link IllegalArgumentException} naming the key. */
    public static KayakConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> props = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            props.put(k.trim(), p.getProperty(k).trim());
        }
        return new KayakConfig(file.toAbsolutePath().normalize(), props);
    }

    public static KayakConfig of(Path file, Map<String, String> props) {
        return new KayakConfig(file.toAbsolutePath().normalize(), props);
    }

    private Path resolve(String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : file.getParent().resolve(path).normalize();
    }

    private static int readNodeId(Map<String, String> props) {
        String node = props.get(NODE_ID);
        String broker = props.get(BROKER_ID);
        if (node != null && broker != null && !node.equals(broker)) {
            throw new IllegalArgumentException(NODE_ID + "=" + node + " and its alias " + BROKER_ID + "=" + broker
                    + " disagree; set one of them");
        }
        String v = node != null ? node : broker;
        if (v == null) {
            throw new IllegalArgumentException(NODE_ID + " (or " + BROKER_ID + ") is required");
        }
        return (int) longValue(Map.of(NODE_ID, v), NODE_ID, 0, 0, Integer.MAX_VALUE);
    }

    /** Parses {@code NAME://host:port,...}. */
    static List<Endpoint> parseListeners(String key, String value) {
        List<Endpoint> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String part : value.split(",")) {
            String s = part.trim();
            int sep = s.indexOf("://");
            int colon = s.lastIndexOf(':');
            if (sep <= 0 || colon <= sep + 2) {
                throw new IllegalArgumentException(key + " entry '" + s + "' is not NAME://host:port");
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " entry '" + s + "' has no numeric port", e);
            }
            String name = s.substring(0, sep);
            if (!names.add(name)) {
                throw new IllegalArgumentException(key + " defines listener " + name + " twice");
            }
            out.add(new Endpoint(name, s.substring(sep + 3, colon), port));
        }
        return List.copyOf(out);
    }

    private static String required(Map<String, String> props, String key) {
        String v = props.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v;
    }

    /** Reads an integer key: {@code def} when absent, else it must parse and lie in [min, max] (the message names the key). */
    public static long longValue(Map<String, String> props, String key, long def, long min, long max) {
        String raw = props.get(key);
        if (raw == null) {
            return def;
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer; got '" + raw + "'", e);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + "; got " + v);
        }
        return v;
    }

    public static boolean boolValue(Map<String, String> props, String key, boolean def) {
        String raw = props.get(key);
        if (raw == null) {
            return def;
        }
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false; got '" + raw + "'");
        }
        return Boolean.parseBoolean(raw);
    }

    public Path file() {
        return file;
    }

    public Map<String, String> props() {
        return props;
    }

    public int nodeId() {
        return nodeId;
    }

    public List<Endpoint> listeners() {
        return listeners;
    }

    public List<Endpoint> advertisedListeners() {
        return advertisedListeners;
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    public String rack() {
        return rack;
    }

    public int numPartitions() {
        return numPartitions;
    }

    public short defaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    public boolean deleteTopicEnable() {
        return deleteTopicEnable;
    }

    public boolean autoCreateTopicsEnable() {
        return autoCreateTopicsEnable;
    }

    public int socketRequestMaxBytes() {
        return socketRequestMaxBytes;
    }

    public long heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public long sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    /** The HTTP admin port, or -1 when the node serves no HTTP. */
    public int httpPort() {
        return httpPort;
    }

    public LogConfig logConfig() {
        return logConfig;
    }

    public MetadataConfig metadataConfig() {
        return metadataConfig;
    }

    /** Metrics, JMX and web console settings. */
    public ObservabilityConfig observabilityConfig() {
        return observabilityConfig;
    }

    public GroupConfig groupConfig() {
        return groupConfig;
    }

    public ReplicationConfig replicationConfig() {
        return replicationConfig;
    }
}
