package io.kayak.log.replication;

import java.io.IOException;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.server.raftlog.segmented.LogSegment;
import org.apache.ratis.server.raftlog.segmented.LogSegmentPath;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;

/**
 * The records headers in a replica's own Raft log, read from its segment files while the state machine
 * initialises (Ratis opens the log only after that), so a restarted replica can pair the entries written since
 * its last snapshot with the batches at its log tail.
 *
 * <p>Entries are read the way Ratis loads them: whole entries in file order, a torn or corrupt end of a segment
 * ends that segment. An entry that appears twice (segments overlapping after a truncation) counts as its last
 * copy.
 */
final class LocalRaftLog {
    /** The records headers above the given index, by Raft index; {@code lastIndex} is the log's last entry. */
    record Headers(NavigableMap<Long, RecordsHeader> records, long lastIndex) {
    }

    private LocalRaftLog() {
    }

    static Headers recordsAfter(RaftStorage storage, SizeInBytes maxEntrySize, long afterIndex) throws IOException {
        TreeMap<Long, RecordsHeader> records = new TreeMap<>();
        long[] last = {-1};
        for (LogSegmentPath p : LogSegmentPath.getLogSegmentPaths(storage)) {
            LogSegment.readSegmentFile(p.getPath().toFile(), p.getStartEnd(), maxEntrySize, CorruptionPolicy.WARN_AND_RETURN,
                    null, e -> {
                        last[0] = Math.max(last[0], e.getIndex());
                        if (e.getIndex() <= afterIndex || !e.hasStateMachineLogEntry()) {
                            return;
                        }
                        ByteString data = e.getStateMachineLogEntry().getLogData();
                        if (!data.isEmpty() && data.byteAt(0) == PartitionEntry.RECORDS) {
                            records.put(e.getIndex(), RecordsHeader.decode(data));
                        } else {
                            records.remove(e.getIndex());
                        }
                    });
        }
        return new Headers(records, last[0]);
    }
}
