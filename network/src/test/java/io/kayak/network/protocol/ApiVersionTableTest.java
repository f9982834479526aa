package io.kayak.network.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class ApiVersionTableTest {
    /**
     * The advertised table is a contract with clients: a change must be deliberate, so it is compared with a
     * checked-in snapshot (update api-versions.txt in the same commit, and say why).
     */
    @Test
    void theAdvertisedTableMatchesItsSnapshot() throws IOException {
        Map<String, String> actual = new TreeMap<>();
        ApiVersionTable.current().ranges().forEach((k, r) -> actual.put(k.name, r.min() + ".." + r.max()));
        StringBuilder text = new StringBuilder();
        actual.forEach((k, v) -> text.append(k).append(' ').append(v).append('\n'));
        try (InputStream in = getClass().getResourceAsStream("/api-versions.txt")) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), text.toString());
        }
    }

    @Test
    void everyAdvertisedRangeIsOneKafkaClientsCanEncode() {
        ApiVersionTable.current().ranges().forEach((k, r) -> {
            assertTrue(r.min() >= k.oldestVersion(), k + " min " + r.min());
            assertTrue(r.max() <= k.latestVersion(), k + " max " + r.max());
        });
    }

    @Test
    void theRangesOldClientsNeedAreIncluded() {
        ApiVersionTable t = ApiVersionTable.current();
        assertTrue(t.supports(ApiKeys.API_VERSIONS, (short) 0), "kafka-python starts at ApiVersions v0");
        assertTrue(t.supports(ApiKeys.API_VERSIONS, (short) 3), "librdkafka 2.0 sends ApiVersions v3");
        assertTrue(t.supports(ApiKeys.METADATA, (short) 1), "kafka-python 2.0.2 sends Metadata v1");
        assertTrue(t.supports(ApiKeys.JOIN_GROUP, (short) 0), "librdkafka 2.0 needs JoinGroup from v0");
        assertTrue(t.supports(ApiKeys.JOIN_GROUP, (short) 2), "kafka-python 2.0.2 sends JoinGroup v2");
        assertTrue(t.supports(ApiKeys.FIND_COORDINATOR, (short) 0), "kafka-python 2.0.2 sends FindCoordinator v0");
        assertTrue(t.supports(ApiKeys.OFFSET_COMMIT, (short) 2), "kafka-python 2.0.2 sends OffsetCommit v2");
        assertTrue(t.supports(ApiKeys.OFFSET_FETCH, (short) 1), "kafka-python 2.0.2 sends OffsetFetch v1");
        for (ApiKeys k : new ApiKeys[] {ApiKeys.SYNC_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP}) {
            assertTrue(t.supports(k, (short) 1), "kafka-python 2.0.2 sends " + k + " v1");
        }
    }
}
