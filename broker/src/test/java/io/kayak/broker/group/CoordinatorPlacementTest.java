package io.kayak.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CoordinatorPlacementTest {
    private static MetadataImage brokers(Set<Integer> live, Set<Integer> fenced) {
        Map<Integer, BrokerRegistration> b = new HashMap<>();
        for (int id : live) {
            b.put(id, new BrokerRegistration(id, UUID.randomUUID(), List.of(new Endpoint("PLAINTEXT", "h", 9092)), null,
                    Long.MAX_VALUE, false));
        }
        for (int id : fenced) {
            b.put(id, new BrokerRegistration(id, UUID.randomUUID(), List.of(new Endpoint("PLAINTEXT", "h", 9092)), null,
                    0, true));
        }
        return MetadataImage.EMPTY.withBrokers(b);
    }

    @Test
    void groupsSpreadOverLiveBrokersAndOnlyTheDepartedBrokersGroupsMove() {
        MetadataImage three = brokers(Set.of(1, 2, 3), Set.of());
        MetadataImage twoLeft = brokers(Set.of(1, 3), Set.of(2));
        Map<Integer, Integer> perNode = new HashMap<>();
        int moved = 0;
        for (int g = 0; g < 3_000; g++) {
            String group = "group-" + g;
            int before = CoordinatorPlacement.coordinator(three, group);
            int after = CoordinatorPlacement.coordinator(twoLeft, group);
            perNode.merge(before, 1, Integer::sum);
            assertTrue(after == 1 || after == 3, "a fenced broker coordinates nothing");
            if (before != 2) {
                assertEquals(before, after, group + " moved although its coordinator stayed");
            } else {
                moved++;
            }
            assertEquals(before, CoordinatorPlacement.coordinator(brokers(Set.of(3, 2, 1), Set.of()), group), "deterministic");
        }
        for (int node = 1; node <= 3; node++) {
            assertTrue(perNode.get(node) > 800, "node " + node + " coordinates " + perNode.get(node) + " of 3000");
        }
        assertEquals(perNode.get(2), moved);
        assertEquals(-1, CoordinatorPlacement.coordinator(brokers(Set.of(), Set.of(1, 2)), "g"), "no live broker");
    }
}
