package io.kayak.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {

    @Test
    void defaultsFollowKafka() {
        LogConfig c = LogConfig.defaults();
        assertEquals(1 << 30, c.segmentBytes());
        assertEquals(168L * 3600 * 1000, c.retentionMs());
        assertEquals(168L * 3600 * 1000, c.rollMs());
        assertEquals(-1, c.retentionBytes());
        assertEquals(300_000, c.retentionCheckIntervalMs());
        assertEquals(1_048_588, c.messageMaxBytes());
        assertEquals(FlushPolicy.EVERY_APPEND, c.flushPolicy());
    }

    @Test
    void retentionMillisecondsWinOverMinutesAndHours() {
        assertEquals(5, LogConfig.from(Map.of(LogConfig.RETENTION_MS, "5", LogConfig.RETENTION_MINUTES, "7",
                LogConfig.RETENTION_HOURS, "9")).retentionMs());
        assertEquals(7 * 60_000L, LogConfig.from(Map.of(LogConfig.RETENTION_MINUTES, "7",
                LogConfig.RETENTION_HOURS, "9")).retentionMs());
        assertEquals(9 * 3_600_000L, LogConfig.from(Map.of(LogConfig.RETENTION_HOURS, "9")).retentionMs());
        assertEquals(-1, LogConfig.from(Map.of(LogConfig.RETENTION_HOURS, "-1")).retentionMs());
    }

    @Test
    void badValuesFailWithMessagesNamingTheKeys() {
        IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, "lots")));
        assertTrue(notNumber.getMessage().contains(LogConfig.SEGMENT_BYTES), notNumber.getMessage());

        IllegalArgumentException contradictory = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, "4096", LogConfig.MESSAGE_MAX_BYTES, "8192")));
        assertTrue(contradictory.getMessage().contains(LogConfig.SEGMENT_BYTES)
                && contradictory.getMessage().contains(LogConfig.MESSAGE_MAX_BYTES), contradictory.getMessage());

        IllegalArgumentException policy = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.from(Map.of(LogConfig.FLUSH_POLICY, "sometimes")));
        assertTrue(policy.getMessage().contains(LogConfig.FLUSH_POLICY), policy.getMessage());

        assertThrows(IllegalArgumentException.class, () -> LogConfig.from(Map.of(LogConfig.SEGMENT_BYTES, "10")));
        assertThrows(IllegalArgumentException.class, () -> LogConfig.from(Map.of(LogConfig.RETENTION_MS, "0")));
        assertThrows(IllegalArgumentException.class, () -> LogConfig.from(Map.of(LogConfig.SEGMENT_WRITE_MODE, "tape")));
    }

    @Test
    void toMapRoundTrips() {
        LogConfig c = LogConfig.from(Map.of(LogConfig.RETENTION_MINUTES, "3", LogConfig.FLUSH_POLICY, "interval",
                LogConfig.SEGMENT_WRITE_MODE, "mmap"));
        LogConfig again = LogConfig.from(c.toMap());
        assertEquals(c.toMap(), again.toMap());
        assertEquals(180_000, again.retentionMs());
        assertEquals(SegmentWriteMode.MMAP, again.segmentWriteMode());
    }
}
