package io.kayak.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Three Kayak nodes started by the repository's own {@code bin/kayak-cluster.sh} with configs written to a work
 * directory (ephemeral ports, data under it), so the harness measures exactly what a user runs. Stopped with
 * {@code bin/kayak-cluster.sh stop}, which stops each node by its PID file. With {@code fsync} off
 * ({@code kayak.replication.fsync=false}, system {@value #NO_FSYNC}) an acknowledged batch is in the page cache of a
 * majority, Apache Kafka's default durability, for a comparison that is fair that way round too.
 */
final class KayakProcesses implements BrokerCluster {
    static final String HEAP = "-Xms256m -Xmx1g";
    /** The system name of Kayak run without fsync. */
    static final String NO_FSYNC = "kayak-nofsync";

    private final Path home;
    private final Path work;
    private final boolean fsync;
    private final List<String> extraConfig;
    private final List<Integer> kafkaPorts = new ArrayList<>();

    private KayakProcesses(Path home, Path work, boolean fsync, List<String> extraConfig) {
        this.home = home;
        this.work = work;
        this.fsync = fsync;
        this.extraConfig = List.copyOf(extraConfig);
    }

    /** Starts three nodes; {@code extraConfig} ({@code key=value} lines) is appended to each node's properties. */
    static KayakProcesses start(Path home, Path work, boolean fsync, List<String> extraConfig) {
        KayakProcesses c = new KayakProcesses(home, work, fsync, extraConfig);
        try {
            c.writeConfigs();
            String out = c.script("start");
            if (!out.contains("is up")) {
                c.close();
                throw new IllegalStateException("the Kayak cluster did not start:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    private void writeConfigs() throws IOException {
        Path conf = Files.createDirectories(work.resolve("conf"));
        List<String> voters = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            voters.add(id + "@127.0.0.1:" + Ports.free());
            kafkaPorts.add(Ports.free());
        }
        for (int id = 1; id <= 3; id++) {
            List<String> lines = new ArrayList<>(List.of(
                    "node.id=" + id,
                    "listeners=PLAINTEXT://127.0.0.1:" + kafkaPorts.get(id - 1),
                    "controller.quorum.voters=" + String.join(",", voters),
                    "kayak.replication.listener=127.0.0.1:" + Ports.free(),
                    "kayak.http.port=" + Ports.free(), // bin/kayak-cluster.sh asks it whether the quorum is up
                    "log.dirs=../data/node-" + id,
                    "default.replication.factor=3",
                    "group.initial.rebalance.delay.ms=0",
                    "kayak.replication.fsync=" + fsync));
            lines.addAll(extraConfig);
            lines.add("");
            Files.writeString(conf.resolve("server-" + id + ".properties"), String.join("\n", lines));
        }
    }

    private String script(String command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/kayak-cluster.sh").toString(), command)
                .redirectErrorStream(true).redirectOutput(work.resolve("cluster-" + command + ".log").toFile());
        pb.environment().put("KAYAK_CONF_DIR", work.resolve("conf").toString());
        pb.environment().put("KAYAK_LOG_DIR", work.resolve("logs").toString());
        pb.environment().put("KAYAK_HEAP_OPTS", HEAP);
        Process p = pb.start();
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("bin/kayak-cluster.sh " + command + " did not finish in 300 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted", e);
        }
        return Files.readString(work.resolve("cluster-" + command + ".log"), StandardCharsets.UTF_8);
    }

    @Override
    public String system() {
        return fsync ? "kayak" : NO_FSYNC;
    }

    @Override
    public String bootstrap() {
        return String.join(",", kafkaPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    @Override
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            try {
                pids.add(Long.parseLong(Files.readString(work.resolve("logs/node-" + id + ".pid")).trim()));
            } catch (IOException | NumberFormatException e) {
                // a node that is not running has no figures
            }
        }
        return pids;
    }

    @Override
    public long pid(int nodeId) {
        try {
            return Long.parseLong(Files.readString(work.resolve("logs/node-" + nodeId + ".pid")).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("node " + nodeId + " has no PID file", e);
        }
    }

    @Override
    public String durability() {
        return fsync ? "acks=all: the batch is fsync'd in the Raft logs of a majority before the ack (Kayak's default)"
                : "acks=all: the batch is written (page cache, no fsync) on a majority before the ack (kayak.replication.fsync=false)";
    }

    @Override
    public List<Path> dataDirs() {
        return List.of(work.resolve("data"));
    }

    @Override
    public void close() {
        try {
            script("stop");
        } catch (IOException | RuntimeException e) {
            for (long pid : pids()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
