package io.kayak.log;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;

/**
 * Child process of {@link CrashRecoveryTest}: appends batches with fsync on every append until it is killed,
 * printing "flushed N" once offset N is durable. Record values carry their own offset so the parent can
 * check every byte it reads back. Arguments: log directory, segment write mode, random seed.
 */
public final class CrashWriter {
    static final String PARTITION = "crash-0";
    static final int SEGMENT_BYTES = 256 * 1024;

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        LogConfig config = LogConfig.from(Map.of(
                LogConfig.SEGMENT_WRITE_MODE, args[1],
                LogConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES),
                LogConfig.MESSAGE_MAX_BYTES, Integer.toString(SEGMENT_BYTES),
                LogConfig.FLUSH_POLICY, "every-append"));
        Random random = new Random(Long.parseLong(args[2]));
        try (LogDir dir = LogDir.open(path, config, Clock.systemUTC(), null)) {
            PartitionLog log = dir.openLog(PARTITION);
            System.out.println("ready " + log.logEndOffset());
            System.out.flush();
            while (true) {
                long next = log.logEndOffset();
                int records = 1 + random.nextInt(20);
                int valueBytes = 10 + random.nextInt(2000);
                AppendInfo info = log.append(Batches.of(records, valueBytes, next, System.currentTimeMillis()));
                System.out.println("flushed " + info.lastOffset());
                System.out.flush();
            }
        }
    }
}
