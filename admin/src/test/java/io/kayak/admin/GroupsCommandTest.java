package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kayak.broker.replica.ReplicatedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code groups ...} against three in-process nodes with a real consumer in the group, in table and JSON form. */
@Tag("integration")
class GroupsCommandTest extends ClusterCliTest {
    @BeforeAll
    static void start() throws Exception {
        startCluster(Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    static KafkaConsumer<String, String> member(String group, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static JsonNode describe(String group) {
        return ok("groups", "describe", "--group", group, "--json").json();
    }

    static List<Long> committed(String group) {
        List<Long> out = new ArrayList<>();
        describe(group).get("partitions").forEach(p -> out.add(p.get("committedOffset").asLong()));
        return out;
    }

    @Test
    void describeShowsLagAndOwnersThenResetOffsetsAndDeleteOnceTheGroupIsEmpty() throws Exception {
        ok("topics", "create", "--topic", "ledger", "--partitions", "2", "--replication-factor", "3");
        awaitDescribed("ledger", t -> t.get("partitions").get(0).get("isr").size() == 3
                && t.get("partitions").get(1).get("isr").size() == 3);
        produce("ledger", 0, 5);
        produce("ledger", 1, 5);
        TopicPartition p0 = new TopicPartition("ledger", 0);
        TopicPartition p1 = new TopicPartition("ledger", 1);
        try (KafkaConsumer<String, String> consumer = member("billing", "billing-client")) {
            consumer.subscribe(List.of("ledger"));
            ReplicatedCluster.await("billing owns both partitions", 60, () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().equals(Set.of(p0, p1));
            });
            consumer.commitSync(Map.of(p0, new OffsetAndMetadata(3), p1, new OffsetAndMetadata(5)));

            JsonNode listed = ok("groups", "list", "--json").json().get("groups");
            assertEquals(1, listed.size(), listed::toString);
            assertEquals("billing", listed.get(0).get("group").asText());
            assertEquals("Stable", listed.get(0).get("state").asText());
            Cli.Result table = ok("groups", "list");
            assertTrue(table.out().lines().anyMatch(l -> l.matches("billing\\s+\\S+\\s+Stable\\s+\\S+")), table::toString);

            JsonNode d = describe("billing");
            assertEquals("Stable", d.get("state").asText());
            assertEquals(1, d.get("members").asInt());
            assertEquals(2, d.get("totalLag").asLong());
            JsonNode first = d.get("partitions").get(0);
            assertEquals("ledger", first.get("topic").asText());
            assertEquals(0, first.get("partition").asInt());
            assertEquals(3, first.get("committedOffset").asLong());
            assertEquals(5, first.get("logEndOffset").asLong());
            assertEquals(2, first.get("lag").asLong());
            assertEquals("billing-client", first.get("clientId").asText());
            assertTrue(first.get("memberId").asText().startsWith("billing-client-"), first::toString);
            assertTrue(first.get("host").asText().contains("127.0.0.1"), first::toString);
            assertEquals(0, d.get("partitions").get(1).get("lag").asLong());

            Cli.Result human = ok("groups", "describe", "--group", "billing");
            assertTrue(human.out().startsWith("Group: billing  State: Stable  Coordinator: "), human::toString);
            assertTrue(human.out().contains("Members: 1  TotalLag: 2"), human::toString);
            assertTrue(human.out().lines().anyMatch(l -> l.matches("ledger\\s+0\\s+3\\s+5\\s+2\\s+billing-client-\\S+\\s+billing-client\\s+\\S*127.0.0.1")),
                    human::toString);

            failed(1, "stop its consumers", "groups", "reset-offsets", "--group", "billing", "--to-earliest");
            failed(1, "stop its consumers", "groups", "reset-offsets", "--group", "billing", "--to-earliest", "--execute");
            failed(1, "members", "groups", "delete", "--group", "billing");
            assertEquals(List.of(3L, 5L), committed("billing"));
        }
        ReplicatedCluster.await("billing empty after its member left", 30,
                () -> describe("billing").get("state").asText().equals("Empty"));

        Cli.Result dry = ok("groups", "reset-offsets", "--group", "billing", "--to-earliest");
        assertTrue(dry.out().lines().anyMatch(l -> l.matches("billing\\s+ledger\\s+0\\s+3\\s+0")), dry::toString);
        assertTrue(dry.out().contains("Dry run: nothing was changed"), dry::toString);
        JsonNode dryJson = ok("groups", "reset-offsets", "--group", "billing", "--topic", "ledger", "--to-earliest", "--dry-run", "--json").json();
        assertFalse(dryJson.get("executed").asBoolean());
        assertEquals(0, dryJson.get("partitions").get(1).get("newOffset").asLong());
        assertEquals(List.of(3L, 5L), committed("billing"));

        ok("groups", "reset-offsets", "--group", "billing", "--topic", "ledger", "--to-offset", "4", "--execute");
        assertEquals(List.of(4L, 4L), committed("billing"));
        ok("groups", "reset-offsets", "--group", "billing", "--shift-by", "-3", "--execute");
        assertEquals(List.of(1L, 1L), committed("billing"));
        ok("groups", "reset-offsets", "--group", "billing", "--shift-by", "100", "--execute");
        assertEquals(List.of(5L, 5L), committed("billing"), "clamped to the log end");
        JsonNode byTime = ok("groups", "reset-offsets", "--group", "billing", "--to-datetime", "2000-01-01T00:00:00", "--execute", "--json").json();
        assertTrue(byTime.get("executed").asBoolean());
        assertEquals(List.of(0L, 0L), committed("billing"));
        ok("groups", "reset-offsets", "--group", "billing", "--to-datetime", "2999-01-01T00:00:00+01:00", "--execute");
        assertEquals(List.of(5L, 5L), committed("billing"), "no record after the time: the log end");
        ok("groups", "reset-offsets", "--group", "billing", "--to-earliest", "--execute");
        ok("groups", "reset-offsets", "--group", "billing", "--to-latest", "--execute");
        assertEquals(List.of(5L, 5L), committed("billing"));
        assertEquals(0, describe("billing").get("totalLag").asLong());

        assertEquals("Deleted group(s) billing.\n", ok("groups", "delete", "--group", "billing").out());
        failed(1, "does not exist", "groups", "describe", "--group", "billing");
        assertEquals(0, ok("groups", "list", "--json").json().get("groups").size());
    }

    @Test
    void resetOffsetsOfANewGroupNeedsTopicsAndWrongInputIsRefused() {
        ok("topics", "create", "--topic", "journal", "--partitions", "1", "--replication-factor", "3");
        failed(1, "no committed offsets", "groups", "reset-offsets", "--group", "fresh", "--to-earliest");
        failed(1, "no committed offset in group fresh", "groups", "reset-offsets", "--group", "fresh", "--topic", "journal",
                "--shift-by", "1");
        ok("groups", "reset-offsets", "--group", "fresh", "--topic", "journal", "--to-latest", "--execute");
        assertEquals(List.of(0L), committed("fresh"));
        ok("groups", "delete", "--group", "fresh", "--json");

        failed(1, "does not exist", "groups", "describe", "--group", "no-such-group");
        failed(1, "groups list", "groups", "delete", "--group", "no-such-group");
        failed(1, "does not exist", "groups", "reset-offsets", "--group", "g", "--topic", "no-such-topic", "--to-earliest");
        failed(2, "not an ISO-8601 date-time", "groups", "reset-offsets", "--group", "g", "--to-datetime", "yesterday");
        failed(2, "mutually exclusive", "groups", "reset-offsets", "--group", "g", "--to-earliest", "--to-latest");
        failed(2, "mutually exclusive", "groups", "reset-offsets", "--group", "g", "--to-earliest", "--dry-run", "--execute");
        failed(2, "Missing required argument", "groups", "reset-offsets", "--group", "g");
        failed(2, "Missing required option: '--group", "groups", "describe");
    }
}
