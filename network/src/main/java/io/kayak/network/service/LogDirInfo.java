package io.kayak.network.service;

import java.util.List;

/**
 * One data directory of this node as DescribeLogDirs reports it.
 *
 * @param path       the directory (from {@code log.dirs}), as an absolute path
 * @param totalBytes the size of the file system holding it, or -1 if unknown
 * @param usableBytes the bytes still free for this process on that file system, or -1 if unknown
 */
public record LogDirInfo(String path, PartitionError error, long totalBytes, long usableBytes, List<PartitionSize> partitions) {
    public LogDirInfo {
        partitions = List.copyOf(partitions);
    }

    /** A partition replica stored in the directory and the bytes its segments take. */
    public record PartitionSize(String topic, int partition, long sizeBytes) {
    }
}
