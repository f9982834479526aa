package io.kayak.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time, bytes written to storage and peak resident memory of processes, read from Linux's /proc (-1 where it
 * is not readable). CPU comes from {@code /proc/PID/stat} (utime + stime, in clock ticks of {@link #TICKS_PER_S}),
 * disk writes from {@code /proc/PID/io} ({@code write_bytes}: what reached the block layer, including fsync'd
 * data), memory from {@code VmHWM} in {@code /proc/PID/status}.
 */
record ProcessStats(long cpuMs, long writeBytes, long peakRssBytes) {
    /** USER_HZ, 100 on every Linux this runs on; /proc reports CPU times in these ticks. */
    static final int TICKS_PER_S = 100;

    static ProcessStats of(List<Long> pids) {
        long cpu = 0;
        long written = 0;
        long rss = 0;
        for (long pid : pids) {
            cpu += cpuMs(pid);
            written += field(Path.of("/proc/" + pid + "/io"), "write_bytes:", 1);
            rss += field(Path.of("/proc/" + pid + "/status"), "VmHWM:", 1024);
        }
        return new ProcessStats(cpu, written, rss);
    }

    ProcessStats minus(ProcessStats earlier) {
        return new ProcessStats(cpuMs - earlier.cpuMs, writeBytes - earlier.writeBytes, peakRssBytes);
    }

    private static long cpuMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
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
