package io.kayak.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time, bytes written to storage and peak resident memory of processes, read from Linux's /proc (-1 where it
 * is not readable). CPU comes from {@code /proc/PID/stat} (utime + stime, in clock ticks of {@link #TICKS_PER_S}),
 * disk writes from {@code /proc/PID/io} ({@code write_bytes}: what reached the block layer, including fsync'd
 * data), memory from {@code VmHWM} in {@code /proc/PID/status}. {@code jitCpuMs} is the part of the CPU time spent by
 * the JVM's JIT compiler threads ({@code /proc/PID/task/TID/comm} "C1 CompilerThre..." and "C2 CompilerThre..."):
 * how far a broker still is from its compiled steady state. A compiler thread the JVM retires takes its CPU time
 * with it (extra threads only; two cores run one C1 and one C2 thread that stay), so the figure is a lower bound.
 */
record ProcessStats(long cpuMs, long jitCpuMs, long writeBytes, long peakRssBytes) {
    /** USER_HZ, 100 on every Linux this runs on; /proc reports CPU times in these ticks. */
    static final int TICKS_PER_S = 100;

    static ProcessStats of(List<Long> pids) {
        long cpu = 0;
        long jit = 0;
        long written = 0;
        long rss = 0;
        for (long pid : pids) {
            cpu += cpuMs(Path.of("/proc/" + pid + "/stat"));
            jit += jitCpuMs(pid);
            written += field(Path.of("/proc/" + pid + "/io"), "write_bytes:", 1);
            rss += field(Path.of("/proc/" + pid + "/status"), "VmHWM:", 1024);
        }
        return new ProcessStats(cpu, jit, written, rss);
    }

    ProcessStats minus(ProcessStats earlier) {
        return new ProcessStats(cpuMs - earlier.cpuMs, jitCpuMs - earlier.jitCpuMs, writeBytes - earlier.writeBytes,
                peakRssBytes);
    }

    /** The share of the CPU time that went to JIT compilation (0 when no CPU was used). */
    double jitShare() {
        return cpuMs > 0 ? (double) jitCpuMs / cpuMs : 0;
    }

    /** CPU of the HotSpot compiler threads of {@code pid}, whose names the kernel truncates to 15 characters. */
    private static long jitCpuMs(long pid) {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        total += cpuMs(task.resolve("stat"));
                    }
                } catch (IOException e) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return total;
    }

    /** utime + stime of a /proc {@code stat} file (a process's or a thread's), in ms. */
    private static long cpuMs(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / TICKS_PER_S; // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long field(Path file, String name, long unit) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * unit;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
