package io.kayak.metadata.assign;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses replica assignments for new partitions, the way Kafka users expect: leaders (the first replica of
 * each partition) spread round robin over the brokers from a random start, followers placed at a shift
 * from the leader that grows every full round so replica sets differ between rounds; with racks, the broker
 * order alternates between racks and each partition takes as many distinct racks as its replication factor
 * allows.
 *
 * <p>Pure: the caller passes the live, unfenced brokers and the randomness, so the same inputs give the same
 * assignment. Explicit assignments from clients do not come here; the metadata state machine validates them.
 */
public final class ReplicaAssigner {

    /** A broker that may receive replicas. {@code rack} is null when the broker has none. */
    public record Candidate(int nodeId, String rack) {
    }

    private ReplicaAssigner() {
    }

    /**
     * Replica lists for partitions {@code firstPartition .. firstPartition + count - 1}.
     *
     * @throws IllegalArgumentException if the replication factor exceeds the brokers, or only some brokers have racks
     */
    public static List<List<Integer>> assign(Collection<Candidate> brokers, int count, int replicationFactor,
                                             int firstPartition, Random random) {
        if (count <= 0) {
            throw new IllegalArgumentException("the number of partitions must be positive; got " + count);
        }
        if (replicationFactor <= 0) {
            throw new IllegalArgumentException("the replication factor must be positive; got " + replicationFactor);
        }
        if (replicationFactor > brokers.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " is larger than the "
                    + brokers.size() + " available brokers");
        }
        long withRack = brokers.stream().filter(b -> b.rack() != null).count();
        if (withRack != 0 && withRack != brokers.size()) {
            throw new IllegalArgumentException("only " + withRack + " of " + brokers.size()
                    + " brokers set broker.rack; set it on all of them or on none");
        }
        List<Candidate> order = withRack == 0 ? byId(brokers) : interleaveRacks(brokers);
        int n = order.size();
        int start = random.nextInt(n);
        int shift = random.nextInt(n);
        int racks = (int) order.stream().map(Candidate::rack).distinct().count();
        List<List<Integer>> out = new ArrayList<>(count);
        for (int p = firstPartition; p < firstPartition + count; p++) {
            if (p > 0 && p % n == 0) {
                shift++;
            }
            int first = (p + start) % n;
            out.add(withRack == 0 ? plain(order, first, shift, replicationFactor)
                    : rackAware(order, first, shift, replicationFactor, racks));
        }
        return out;
    }

    private static List<Candidate> byId(Collection<Candidate> brokers) {
        List<Candidate> sorted = new ArrayList<>(brokers);
        sorted.sort(Comparator.comparingInt(Candidate::nodeId));
        return sorted;
    }

    /** Brokers in rack round robin: first of each rack (racks by name), then the second of each, and so on. */
    private static List<Candidate> interleaveRacks(Collection<Candidate> brokers) {
        Map<String, List<Candidate>> perRack = new TreeMap<>();
        for (Candidate b : byId(brokers)) {
            perRack.computeIfAbsent(b.rack(), r -> new ArrayList<>()).add(b);
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; out.size() < brokers.size(); i++) {
            for (List<Candidate> rack : perRack.values()) {
                if (i < rack.size()) {
                    out.add(rack.get(i));
                }
            }
        }
        return out;
    }

    private static int follower(int first, int shift, int j, int n) {
        return (first + 1 + (shift + j) % (n - 1)) % n;
    }

    private static List<Integer> plain(List<Candidate> order, int first, int shift, int rf) {
        int n = order.size();
        List<Integer> replicas = new ArrayList<>(rf);
        replicas.add(order.get(first).nodeId());
        for (int j = 0; j < rf - 1; j++) {
            replicas.add(order.get(follower(first, shift, j, n)).nodeId());
        }
        return List.copyOf(replicas);
    }

    /**
     * Walks the followers in shifted order, taking a broker only if its rack is not used yet (until every rack
     * is used once) and it is not already a replica.
     */
    private static List<Integer> rackAware(List<Candidate> order, int first, int shift, int rf, int racks) {
        int n = order.size();
        Map<Integer, Candidate> chosen = new LinkedHashMap<>();
        Set<String> racksUsed = new HashSet<>();
        Candidate leader = order.get(first);
        chosen.put(leader.nodeId(), leader);
        racksUsed.add(leader.rack());
        for (int j = 0; chosen.size() < rf; j++) {
            Candidate c = order.get(follower(first, shift, j % (n - 1), n));
            boolean rackFree = !racksUsed.contains(c.rack()) || racksUsed.size() == racks;
            if (!chosen.containsKey(c.nodeId()) && (rackFree || j >= 2 * n)) {
                chosen.put(c.nodeId(), c);
                racksUsed.add(c.rack());
            }
        }
        return List.copyOf(chosen.keySet());
    }
}
