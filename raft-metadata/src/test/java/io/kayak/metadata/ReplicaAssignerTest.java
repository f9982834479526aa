package io.kayak.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.metadata.assign.ReplicaAssigner;
import io.kayak.metadata.assign.ReplicaAssigner.Candidate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicaAssignerTest {

    private static List<Candidate> brokers(int n, String... racks) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new Candidate(i, racks.length == 0 ? null : racks[(i - 1) % racks.length]))
                .toList();
    }

    private static Map<Integer, Integer> count(List<List<Integer>> assignment, boolean leadersOnly) {
        Map<Integer, Integer> c = new HashMap<>();
        for (List<Integer> r : assignment) {
            for (int id : leadersOnly ? r.subList(0, 1) : r) {
                c.merge(id, 1, Integer::sum);
            }
        }
        return c;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 2026})
    void leadersAndReplicasSpreadEvenlyWithoutDuplicates(long seed) {
        List<List<Integer>> a = ReplicaAssigner.assign(brokers(3), 6, 3, 0, new Random(seed));
        assertEquals(6, a.size());
        for (List<Integer> r : a) {
            assertEquals(3, new HashSet<>(r).size(), "distinct replicas: " + r);
        }
        assertEquals(Map.of(1, 2, 2, 2, 3, 2), count(a, true), "each broker leads two of six partitions");
        assertEquals(Map.of(1, 6, 2, 6, 3, 6), count(a, false));

        List<List<Integer>> b = ReplicaAssigner.assign(brokers(5), 10, 2, 0, new Random(seed));
        assertTrue(count(b, true).values().stream().allMatch(v -> v == 2), "leaders: " + count(b, true));
        assertTrue(count(b, false).values().stream().allMatch(v -> v == 4), "replicas: " + count(b, false));
        assertTrue(b.stream().map(r -> r.get(1) - r.get(0)).distinct().count() > 1,
                "follower placement shifts between rounds: " + b);
    }

    @Test
    void growingATopicContinuesTheRoundRobin() {
        List<List<Integer>> grown = ReplicaAssigner.assign(brokers(3), 3, 2, 3, new Random(5));
        assertEquals(Map.of(1, 1, 2, 1, 3, 1), count(grown, true));
    }

    @Test
    void rackAwareAssignmentsSpanAsManyRacksAsTheReplicationFactor() {
        List<Candidate> six = brokers(6, "a", "b", "c");
        for (long seed = 0; seed < 20; seed++) {
            List<List<Integer>> a = ReplicaAssigner.assign(six, 12, 3, 0, new Random(seed));
            for (List<Integer> r : a) {
                assertEquals(3, r.stream().map(id -> six.get(id - 1).rack()).collect(Collectors.toSet()).size(),
                        "three racks for " + r);
                assertEquals(3, new HashSet<>(r).size());
            }
            assertTrue(count(a, true).values().stream().allMatch(v -> v == 2), "leaders: " + count(a, true));
        }
        List<List<Integer>> twoRacks = ReplicaAssigner.assign(brokers(4, "a", "b"), 8, 3, 0, new Random(3));
        for (List<Integer> r : twoRacks) {
            assertEquals(3, new HashSet<>(r).size());
        }
    }

    @Test
    void impossibleRequestsAreRefusedWithAReason() {
        IllegalArgumentException rf = assertThrows(IllegalArgumentException.class,
                () -> ReplicaAssigner.assign(brokers(2), 1, 3, 0, new Random(1)));
        assertTrue(rf.getMessage().contains("replication factor 3"), rf.getMessage());
        List<Candidate> mixed = List.of(new Candidate(1, "a"), new Candidate(2, null));
        assertThrows(IllegalArgumentException.class, () -> ReplicaAssigner.assign(mixed, 1, 1, 0, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> ReplicaAssigner.assign(brokers(3), 0, 1, 0, new Random(1)));
    }
}
