package io.kayak.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine's free and total memory, from Linux's {@code /proc/meminfo} (both -1 where it is not readable).
 *
 * <p>The harness waits for the page cache to have filled memory before it measures, and deletes no data while it
 * measures. On a virtual machine whose host takes back the pages the guest leaves free (virtio-balloon free page
 * reporting, as on the 2-core machines of docs/BENCHMARKS.md), the first write to such a page faults on the host:
 * there about 65 µs per 4 KiB page, some 60 MB/s per core, which a broker pays on its append path as system time.
 * Once the page cache has filled memory, new pages come from reclaiming older page cache, at no such cost; that is
 * also where a long-running broker is. Freed memory (a deleted topic, a stopped process) goes back to the host within
 * seconds and costs the same again when next written, so a workload that followed a deletion measured how much the
 * deletion had freed rather than the broker.
 */
record MachineMemory(long freeBytes, long totalBytes) {
    /**
     * Memory counts as filled once at most this share of it is free: on the 2-core, 24 GiB VM the kernel keeps about
     * 0.9 % free once the page cache has taken the rest. At 5 % (the first try) about a gigabyte of handed-back pages
     * was left for the first measured workload to write into.
     */
    static final double FILLED_FREE_SHARE = 0.015;

    static MachineMemory read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/meminfo")));
        } catch (IOException | RuntimeException e) {
            return new MachineMemory(-1, -1);
        }
    }

    /** Reads {@code MemFree} and {@code MemTotal} (in kB) from the lines of {@code /proc/meminfo}. */
    static MachineMemory parse(List<String> lines) {
        long free = -1;
        long total = -1;
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("MemFree:")) {
                free = Long.parseLong(f[1]) * 1024;
            } else if (f.length >= 2 && f[0].equals("MemTotal:")) {
                total = Long.parseLong(f[1]) * 1024;
            }
        }
        return new MachineMemory(free, total);
    }

    /** Whether the page cache has taken all but {@link #FILLED_FREE_SHARE} of memory; true where it cannot be told. */
    boolean filled() {
        return freeBytes < 0 || totalBytes <= 0 || freeBytes <= FILLED_FREE_SHARE * totalBytes;
    }

    /** Free memory as a share of the total, in %; -1 where it cannot be told. */
    double freePercent() {
        return freeBytes < 0 || totalBytes <= 0 ? -1 : 100.0 * freeBytes / totalBytes;
    }
}
