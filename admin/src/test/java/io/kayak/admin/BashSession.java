package io.kayak.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One long-lived bash, as a user's terminal: command blocks run in it one after the other, so a variable set by one
 * block ({@code LEADER=...}, {@code eval "$(...)"}) is there for the next. Each block is written to a file and sourced
 * with stdin from /dev/null and stdout and stderr into one file; its exit status lands in a second file, which
 * {@link #run} polls for up to its deadline. Used by one test thread; {@link #close} kills the shell and everything it
 * started that is still its descendant (daemonized nodes are not: the test stops those by their PID files).
 */
final class BashSession implements AutoCloseable {
    private final Path dir;
    private final Process bash;
    private final OutputStream stdin;
    private int blocks;

    record Result(String name, int exit, String output, long millis) {
        @Override
        public String toString() {
            return "[" + name + "] exit " + exit + " after " + millis + " ms:\n" + output;
        }
    }

    /** Thrown when a block does not finish within its deadline; carries what it printed so far. */
    static final class DeadlineExceeded extends AssertionError {
        DeadlineExceeded(String message) {
            super(message);
        }
    }

    /**
     * Starts bash in {@code workDir} with the test JVM's environment minus {@code unset} plus {@code set}; block
     * files, outputs and the shell's own output go to {@code dir}.
     */
    BashSession(Path workDir, Path dir, List<String> unset, Map<String, String> set) throws IOException {
        this.dir = Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder("bash", "--noprofile", "--norc").directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("bash.log").toFile());
        unset.forEach(pb.environment()::remove);
        pb.environment().putAll(set);
        bash = pb.start();
        stdin = bash.getOutputStream();
    }

    /** Runs {@code code} in the shell and returns its exit status and output; fails after {@code timeout}. */
    Result run(String name, String code, Duration timeout) throws IOException {
        int n = ++blocks;
        String base = String.format("%03d-%s", n, name);
        Path script = dir.resolve(base + ".sh");
        Path out = dir.resolve(base + ".out");
        Path rc = dir.resolve(base + ".rc");
        Files.writeString(script, code);
        String line = String.format("{ . '%s'; } > '%s' 2>&1 < /dev/null; echo $? > '%s.tmp'; mv '%s.tmp' '%s'%n",
                script, out, rc, rc, rc);
        stdin.write(line.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!Files.exists(rc)) {
            if (!bash.isAlive()) {
                throw new AssertionError("the shell exited during [" + name + "]: " + read(dir.resolve("bash.log")));
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted while [" + name + "] ran (test timeout?); its output:\n" + read(out));
            }
            if (System.nanoTime() > deadline) {
                throw new DeadlineExceeded("[" + name + "] did not finish within " + timeout.toSeconds() + " s; its output:\n"
                        + read(out));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return new Result(name, Integer.parseInt(read(rc).trim()), read(out), millis);
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    /** Kills the shell and its live descendants (a block still running, say), and waits for them to exit. */
    @Override
    public void close() {
        List<ProcessHandle> all = new java.util.ArrayList<>(bash.descendants().toList());
        all.add(bash.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the caller's process check
            }
        }
    }
}
