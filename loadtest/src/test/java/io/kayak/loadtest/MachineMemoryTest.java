package io.kayak.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineMemoryTest {
    @Test
    void readsFreeAndTotalFromMeminfo() {
        MachineMemory m = MachineMemory.parse(List.of(
                "MemTotal:       24683820 kB",
                "MemFree:          210044 kB",
                "MemAvailable:   23012344 kB",
                "Cached:         21500000 kB"));
        assertEquals(24683820L * 1024, m.totalBytes());
        assertEquals(210044L * 1024, m.freeBytes());
        assertEquals(100.0 * 210044 / 24683820, m.freePercent(), 1e-9);
    }

    @Test
    void filledOnceAtMostOneAndAHalfPercentIsFree() {
        assertTrue(new MachineMemory(15, 1000).filled());
        assertFalse(new MachineMemory(16, 1000).filled());
        // where the page cache had filled the 2-core VM: ~210 MB of 24 GB free
        assertTrue(MachineMemory.parse(List.of("MemTotal: 24683820 kB", "MemFree: 210044 kB")).filled());
        // the page cache of a fresh machine: most memory free
        assertFalse(MachineMemory.parse(List.of("MemTotal: 24683820 kB", "MemFree: 21000000 kB")).filled());
    }

    @Test
    void unreadableMemoryDoesNotHoldTheWarmUpBack() {
        MachineMemory none = MachineMemory.parse(List.of("SwapTotal: 0 kB"));
        assertEquals(-1, none.freeBytes());
        assertTrue(none.filled());
        assertEquals(-1, none.freePercent());
    }
}
