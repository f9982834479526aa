package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md's quickstart and walkthrough, run verbatim: every {@code ```sh} block that follows a
 * {@code <!-- step: NAME -->} comment is extracted from the README and sourced, in order, by one bash (so variables
 * carry over as in a user's terminal), against real processes started by the README's own commands, with the real
 * {@code kill -9} and restart. The commands run in a copy of the repository layout (bin/, conf/, and the built jars
 * linked in) whose conf/ files differ from the README's only in their ports, which are free ephemeral ones, so a
 * cluster already running on 9092-9094 is not disturbed. The steps that the README says to repeat until something shows
 * are re-run until it does, with a deadline.
 *
 * <p>Checked: each step's output; that the first command is idempotent; that new quorum and partition leaders appear
 * after the kill and the node rejoins every ISR and the quorum after its restart; and that no acknowledged record was
 * lost: every line produced is consumed by the group exactly once, in order per partition. Every process is stopped
 * by PID at the end, also on failure.
 */
@Tag("system")
class ReadmeWalkthroughIT {
    /** The README's steps, in order; a step added, removed or renamed there must be checked here. */
    private static final List<String> STEPS = List.of("start", "env", "create-topic", "produce-consume", "lag", "find-leaders",
            "kill", "new-leaders", "produce-consume-degraded", "under-replicated", "restart", "rejoined", "verify", "stop");
    private static final Pattern STEP = Pattern.compile("<!-- step: ([\\w-]+) -->\\s*\\n```sh\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PORT = Pattern.compile("(127\\.0\\.0\\.1:|kayak\\.http\\.port=)(\\d+)");
    /**
     * A partition row of {@code topics describe}: partition, leader, epoch, replicas, ISR, log start, log end. The ISR
     * cell is blank while a new partition has no leader yet.
     */
    private static final Pattern PARTITION_ROW = Pattern.compile(
            "^(\\d+) +(\\d+|-) +(\\d+|-) +([\\d,]+) +([\\d,]*|-) +(\\d+|-) +(\\d+|-) *$", Pattern.MULTILINE);
    /** A voter row of {@code quorum describe}: node id, role, last log index, lag, last contact. */
    private static final Pattern VOTER_ROW = Pattern.compile("^(\\d+) +(\\w+) +(-?\\d+) +(-?\\d+) +(-?\\d+) *$",
            Pattern.MULTILINE);
    private static final Pattern RECORD = Pattern.compile("^order-(\\d+)$", Pattern.MULTILINE);
    private static final int PARTITIONS = 3;

    @TempDir
    Path tmp;
    private final Path home = Path.of(System.getProperty("kayak.home", "..")).toAbsolutePath().normalize();
    private Path copy;
    private BashSession shell;
    /** README port to the free port the copy's conf/ uses instead. */
    private final Map<Integer, Integer> ports = new HashMap<>();
    private Map<String, String> steps;
    /** Node id to PID, as the first start left them. */
    private Map<Integer, Long> pids;
    /** The node killed: the quorum's leader when find-leaders ran. */
    private int victim;
    /** Record numbers as the group printed them, both consume steps together. */
    private final List<Integer> consumed = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        if (shell != null) {
            shell.close();
        }
        if (copy == null) {
            return;
        }
        // Only processes of this copy: a PID file of a node killed earlier may name a PID reused since.
        String mine = copy.toString();
        String mineReal = copy.toRealPath().toString(); // the scripts resolve conf/ with pwd -P
        Predicate<ProcessHandle> ours = p -> p.info().commandLine().map(c -> c.contains(mine) || c.contains(mineReal)).orElse(false);
        List<ProcessHandle> left = new ArrayList<>();
        try (var files = Files.list(copy.resolve("logs"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(f).trim())).filter(ours).ifPresent(left::add);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // no node was started
        }
        // A node whose PID file was lost (a failure between its start and the file) is still found by its config path.
        ProcessHandle.allProcesses().filter(ours).forEach(left::add);
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : left) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theReadmeQuickstartAndFailOverWalkthroughRunAsWritten() throws Exception {
        steps = readmeSteps();
        assertEquals(STEPS, List.copyOf(steps.keySet()), "the README's steps (<!-- step: NAME --> before a ```sh block)");
        makeCopy();
        shell = new BashSession(copy, tmp.resolve("steps"),
                List.of("KAYAK_BOOTSTRAP_SERVER", "KAYAK_HTTP_SERVER", "KAYAK_CONF_DIR", "KAYAK_LOG_DIR", "KAYAK_HOME"),
                Map.of("KAYAK_HEAP_OPTS", "-Xms64m -Xmx256m"));
        try {
            startTwice();
            topicGroupAndLag();
            killTheQuorumLeader();
            carryOnWithoutIt();
            restartIt();
            verifyAndStop();
        } catch (Throwable t) {
            t.addSuppressed(new AssertionError("node logs:\n" + nodeLogTails()));
            throw t;
        }
    }

    /** The first command starts the cluster and prints what the issue asks; run again, it reports the running one. */
    private void startTwice() throws Exception {
        String bootstrap = IntStream.of(9092, 9093, 9094).mapToObj(p -> "127.0.0.1:" + ports.get(p)).collect(Collectors.joining(","));
        BashSession.Result start = run("start", Duration.ofMinutes(3));
        assertEquals(0, start.exit(), start::toString);
        assertTrue(start.output().contains("is up") && start.output().contains("Kafka bootstrap servers: " + bootstrap + "\n")
                && start.output().contains("Next, try:"), start::toString);
        assertEquals(3, count(start.output(), "(?m)^node \\d started \\(PID \\d+\\)"), start::toString);
        pids = pids();
        BashSession.Result again = run("start", Duration.ofMinutes(2));
        assertEquals(0, again.exit(), again::toString);
        assertTrue(again.output().contains("is already running") && again.output().contains("Kafka bootstrap servers: " + bootstrap)
                && !again.output().contains("started (PID"), "run twice, it reports the running cluster: " + again);
        assertEquals(pids, pids(), "the second start left the nodes alone");

        BashSession.Result env = run("env", Duration.ofSeconds(30));
        assertEquals(0, env.exit(), env::toString);
        assertEquals(bootstrap + "\n", shell.run("probe", "echo \"$KAYAK_BOOTSTRAP_SERVER\"", Duration.ofSeconds(10)).output());
    }

    private void topicGroupAndLag() throws Exception {
        BashSession.Result create = run("create-topic", Duration.ofMinutes(2));
        assertEquals(0, create.exit(), create::toString);
        assertTrue(create.output().contains("Created topic orders (3 partitions, replication factor 3"), create::toString);
        assertEquals(PARTITIONS, partitionRows(create.output()).size(), create::toString);

        BashSession.Result first = run("produce-consume", Duration.ofMinutes(2));
        assertEquals(0, first.exit(), first::toString);
        assertTrue(first.output().contains("Produced 30 record(s) to orders."), first::toString);
        consumed.addAll(records(first.output()));
        assertEquals(range(1, 30), new TreeSet<>(consumed), first::toString);
        assertInOrderPerPartition(consumed);

        BashSession.Result lag = run("lag", Duration.ofMinutes(1));
        assertEquals(0, lag.exit(), lag::toString);
        assertTrue(lag.output().contains("Produced 30 record(s) to orders.")
                && lag.output().contains("Group: billing") && lag.output().contains("TotalLag: 30"), lag::toString);
    }

    /** find-leaders names the quorum's leader; kill -9 takes it down; new leaders show within seconds. */
    private void killTheQuorumLeader() throws Exception {
        BashSession.Result found = run("find-leaders", Duration.ofMinutes(1));
        assertEquals(0, found.exit(), found::toString);
        assertTrue(found.output().matches("(?s).*partition 0 is led by node [123]\n.*"), found::toString);
        Matcher quorumLeader = Pattern.compile("the metadata quorum is led by node ([123])\n").matcher(found.output());
        assertTrue(quorumLeader.find(), found::toString);
        victim = Integer.parseInt(quorumLeader.group(1));

        BashSession.Result kill = run("kill", Duration.ofSeconds(30));
        assertEquals(0, kill.exit(), kill::toString);
        ProcessHandle killed = ProcessHandle.of(pids.get(victim)).orElse(null);
        if (killed != null) {
            killed.onExit().get(10, TimeUnit.SECONDS); // kill -9 took: the process is gone
        }
        long killedAt = System.nanoTime();
        runUntil("new-leaders", Duration.ofSeconds(90), r -> {
            Matcher l = Pattern.compile("leaderId:\\s+(\\d+)").matcher(r.output());
            List<String[]> rows = partitionRows(r.output());
            return l.find() && Integer.parseInt(l.group(1)) != victim && Integer.valueOf(-1).equals(voterLag(r.output(), victim))
                    && rows.size() == PARTITIONS && rows.stream().allMatch(p -> !p[1].equals("-") && Integer.parseInt(p[1]) != victim);
        });
        System.out.printf("new quorum and partition leaders shown %d ms after kill -9 of node %d%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt), victim);
    }

    /** With the node down the group reads the rest, each record once; then the leaders drop it from their ISR. */
    private void carryOnWithoutIt() throws Exception {
        BashSession.Result degraded = run("produce-consume-degraded", Duration.ofMinutes(2));
        assertEquals(0, degraded.exit(), degraded::toString);
        assertTrue(degraded.output().contains("Produced 30 record(s) to orders."), degraded::toString);
        List<Integer> rest = records(degraded.output());
        assertEquals(range(31, 90), new TreeSet<>(rest), degraded::toString);
        assertInOrderPerPartition(rest);
        consumed.addAll(rest);
        assertEquals(90, consumed.size(), "the group read each of the 90 acknowledged records once: " + consumed);
        assertEquals(range(1, 90), new TreeSet<>(consumed));

        runUntil("under-replicated", Duration.ofSeconds(120), r -> {
            List<String[]> rows = partitionRows(r.output());
            return rows.size() == PARTITIONS && rows.stream().allMatch(p -> ids(p[4]).size() == 2 && !ids(p[4]).contains(victim));
        });
    }

    private void restartIt() throws Exception {
        BashSession.Result restart = run("restart", Duration.ofMinutes(1));
        assertEquals(0, restart.exit(), restart::toString);
        assertTrue(restart.output().contains("node " + victim + " started (PID"), restart::toString);
        runUntil("rejoined", Duration.ofSeconds(120), r -> {
            List<String[]> rows = partitionRows(r.output());
            return rows.size() == PARTITIONS && rows.stream().allMatch(p -> ids(p[4]).size() == 3)
                    && Integer.valueOf(0).equals(voterLag(r.output(), victim));
        });
    }

    private void verifyAndStop() throws Exception {
        BashSession.Result verify = run("verify", Duration.ofMinutes(1));
        assertEquals(0, verify.exit(), verify::toString);
        assertTrue(verify.output().contains("TotalLag: 0"), verify::toString);
        assertTrue(verify.output().lines().anyMatch(l -> l.strip().equals("90")), "all 90 records in the topic: " + verify);

        BashSession.Result stop = run("stop", Duration.ofMinutes(2));
        assertEquals(0, stop.exit(), stop::toString);
        assertEquals(3, count(stop.output(), "(?m)^node-\\d stopped "), stop::toString);
        assertFalse(stop.output().contains("did not stop"), stop::toString);
        assertEquals(Map.of(), pids(), "nodes still running after stop (node to PID)");
    }

    /** The README's steps by name, in document order. */
    private Map<String, String> readmeSteps() throws IOException {
        Map<String, String> steps = new LinkedHashMap<>();
        Matcher m = STEP.matcher(Files.readString(home.resolve("README.md")));
        while (m.find()) {
            assertTrue(steps.put(m.group(1), m.group(2)) == null, "README step named twice: " + m.group(1));
        }
        return steps;
    }

    /**
     * bin/ and conf/ of the repository, the latter with every port replaced by a free one, and broker/target and
     * admin/target linked in, so the scripts find the jars that mvn package built and never build themselves.
     */
    private void makeCopy() throws IOException {
        for (String jarDir : List.of("broker/target", "admin/target/lib")) {
            assertTrue(Files.isDirectory(home.resolve(jarDir)), home.resolve(jarDir) + " is missing: run this test with mvn verify");
        }
        copy = Files.createDirectories(tmp.resolve("kayak"));
        Files.createDirectories(copy.resolve("bin"));
        try (var bin = Files.list(home.resolve("bin"))) {
            for (Path f : bin.toList()) {
                Files.copy(f, copy.resolve("bin").resolve(f.getFileName().toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Files.createDirectories(copy.resolve("conf"));
        try (var conf = Files.list(home.resolve("conf"))) {
            for (Path f : conf.toList()) {
                Matcher m = PORT.matcher(Files.readString(f));
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    int port = ports.computeIfAbsent(Integer.parseInt(m.group(2)), p -> freePort());
                    m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + port));
                }
                m.appendTail(out);
                Files.writeString(copy.resolve("conf").resolve(f.getFileName().toString()), out.toString());
            }
        }
        assertTrue(ports.keySet().containsAll(List.of(9092, 9093, 9094, 8081, 8082, 8083)), "ports found in conf/: " + ports);
        assertEquals(ports.size(), Set.copyOf(ports.values()).size(), "distinct free ports");
        for (String module : List.of("broker", "admin")) {
            Files.createDirectories(copy.resolve(module));
            Files.createSymbolicLink(copy.resolve(module).resolve("target"), home.resolve(module).resolve("target"));
        }
    }

    private int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            int port = s.getLocalPort();
            return ports.containsValue(port) ? freePort() : port;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private BashSession.Result run(String name, Duration timeout) throws IOException {
        BashSession.Result r = shell.run(name, steps.get(name), timeout);
        System.out.printf("step %-26s exit %d in %6d ms%n", name, r.exit(), r.millis());
        return r;
    }

    /** Re-runs a step, as the README tells its reader to, until its output satisfies {@code done}. */
    private BashSession.Result runUntil(String name, Duration timeout, Predicate<BashSession.Result> done) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        BashSession.Result last = null;
        while (System.nanoTime() < deadline) {
            last = run(name, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)).plusSeconds(30));
            if (last.exit() == 0 && done.test(last)) {
                return last;
            }
        }
        throw new AssertionError("[" + name + "] never showed what the README says within " + timeout.toSeconds()
                + " s; last run:\n" + last);
    }

    /** The PIDs of the nodes whose PID file names a live process. */
    private Map<Integer, Long> pids() throws IOException {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        for (int node = 1; node <= 3; node++) {
            Path f = copy.resolve("logs/node-" + node + ".pid");
            if (Files.exists(f)) {
                long pid = Long.parseLong(Files.readString(f).trim());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    out.put(node, pid);
                }
            }
        }
        return out;
    }

    private static List<String[]> partitionRows(String output) {
        List<String[]> rows = new ArrayList<>();
        Matcher m = PARTITION_ROW.matcher(output);
        while (m.find()) {
            rows.add(IntStream.rangeClosed(1, 7).mapToObj(m::group).toArray(String[]::new));
        }
        return rows;
    }

    /** The lag {@code quorum describe} shows for {@code node}, or null if it lists no such voter. */
    private static Integer voterLag(String output, int node) {
        Matcher m = VOTER_ROW.matcher(output);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) == node) {
                return Integer.parseInt(m.group(4));
            }
        }
        return null;
    }

    private static Set<Integer> ids(String csv) {
        return csv.isBlank() || csv.equals("-") ? Set.of() : java.util.Arrays.stream(csv.split(",")).map(Integer::parseInt).collect(Collectors.toSet());
    }

    private static List<Integer> records(String output) {
        List<Integer> out = new ArrayList<>();
        Matcher m = RECORD.matcher(output);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private static Set<Integer> range(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Record {@code order-N} has key {@code N}; the Java producer's partitioner puts it on murmur2(key) mod the partition
     * count. Within a partition the group must have read them in the order they were produced.
     */
    private static void assertInOrderPerPartition(List<Integer> read) {
        Map<Integer, List<Integer>> byPartition = new HashMap<>();
        for (int n : read) {
            int partition = Utils.toPositive(Utils.murmur2(Integer.toString(n).getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(n);
        }
        byPartition.forEach((p, list) -> assertEquals(list.stream().sorted().toList(), list,
                "partition " + p + " was read out of order: " + list));
    }

    private static long count(String text, String regex) {
        return Pattern.compile(regex).matcher(text).results().count();
    }

    private String nodeLogTails() {
        StringBuilder b = new StringBuilder();
        for (int node = 1; node <= 3 && copy != null; node++) {
            Path log = copy.resolve("logs/node-" + node + ".log");
            try {
                List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
                b.append("--- node ").append(node).append(" (last 40 lines)\n");
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException e) {
                b.append("cannot read ").append(log).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
    }
}
