package io.kayak.broker.storage;

import io.kayak.broker.config.KayakConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

/**
 * {@code meta.properties} in every log dir: which cluster and node the directory belongs to, written by
 * {@code kayak-admin.sh storage format}. A node refuses to start on an unformatted directory or one of
 * another cluster or node, so a misplaced directory can never join the wrong cluster.
 *
 * <p>Format: {@code version=1}, {@code cluster.id}, {@code node.id}.
 */
public final class MetaProperties {
    public static final String FILE_NAME = "meta.properties";
    static final String VERSION = "1";

    private MetaProperties() {
    }

    /** A new random cluster id: a UUID in URL-safe base64 without padding, as Kafka's are. */
    public static String newClusterId() {
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /**
     * Formats every log dir of {@code config} for {@code clusterId}. Directories already formatted for the
     * same cluster and node are left alone (so formatting twice is harmless); any other meta.properties is
     * an error and nothing is changed.
     *
     * @return how many directories were newly formatted
     */
    public static int format(KayakConfig config, String clusterId) throws IOException {
        if (clusterId == null || !clusterId.matches("[A-Za-z0-9_-]{8,64}")) {
            throw new StorageException("cluster id '" + clusterId + "' must be 8-64 characters of A-Z a-z 0-9 _ -");
        }
        for (Path dir : config.logDirs()) {
            Properties existing = read(dir);
            if (existing != null && !(clusterId.equals(existing.getProperty("cluster.id"))
                    && Integer.toString(config.nodeId()).equals(existing.getProperty("node.id")))) {
                throw new StorageException("log dir " + dir + " is already formatted for cluster "
                        + existing.getProperty("cluster.id") + " node " + existing.getProperty("node.id")
                        + "; remove it to reformat");
            }
        }
        int formatted = 0;
        for (Path dir : config.logDirs()) {
            if (read(dir) == null) {
                write(dir, clusterId, config.nodeId());
                formatted++;
            }
        }
        return formatted;
    }

    /** Checks every log dir before start; returns the cluster id. */
    public static String verify(KayakConfig config) throws IOException {
        String clusterId = null;
        for (Path dir : config.logDirs()) {
            Properties p = read(dir);
            if (p == null) {
                throw new StorageException("log dir " + dir + " is not formatted. Run: bin/kayak-admin.sh storage format --config "
                        + config.file() + " --cluster-id <the cluster's id>");
            }
            if (!VERSION.equals(p.getProperty("version"))) {
                throw new StorageException(dir.resolve(FILE_NAME) + " has version " + p.getProperty("version")
                        + "; this build reads version " + VERSION);
            }
            if (!Integer.toString(config.nodeId()).equals(p.getProperty("node.id"))) {
                throw new StorageException("log dir " + dir + " belongs to node " + p.getProperty("node.id") + ", not node "
                        + config.nodeId() + "; point log.dirs at this node's directories");
            }
            String id = p.getProperty("cluster.id");
            if (clusterId != null && !clusterId.equals(id)) {
                throw new StorageException("log dirs of this node belong to different clusters (" + clusterId + ", " + id
                        + "); format them with one --cluster-id");
            }
            clusterId = id;
        }
        return clusterId;
    }

    private static Properties read(Path dir) throws IOException {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.exists(f)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    private static void write(Path dir, String clusterId, int nodeId) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("cluster.id", clusterId);
        p.setProperty("node.id", Integer.toString(nodeId));
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "Written by kayak-admin.sh storage format");
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The storage is missing, foreign or unreadable; the message says which command fixes it. */
    public static final class StorageException extends IOException {
        private static final long serialVersionUID = 1L;

        public StorageException(String message) {
            super(message);
        }
    }
}
