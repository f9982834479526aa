package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kayak.broker.replica.ReplicatedCluster;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code produce} and {@code consume} against three in-process nodes: the console producer and consumer. */
@Tag("integration")
class ProduceConsumeCommandTest extends ClusterCliTest {
    @BeforeAll
    static void start() throws Exception {
        startCluster(Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    static Cli.Result withStdin(String input, String... args) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return Cli.kafka(bootstrap, args);
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void producedLinesAreConsumedWithKeysOffsetsAndPartitionsAndAGroupCommitsWhatItPrinted() {
        ok("topics", "create", "--topic", "lines", "--partitions", "1", "--replication-factor", "3");
        awaitDescribed("lines", t -> !t.get("partitions").get(0).get("leader").isNull());
        Cli.Result produced = withStdin("k1:hello\nk2:wor:ld\nk3:\n", "produce", "--topic", "lines", "--key-separator", ":");
        assertEquals(0, produced.exit(), produced::toString);
        assertEquals("Produced 3 record(s) to lines.\n", produced.out());
        assertEquals("{\"topic\":\"lines\",\"records\":1}",
                withStdin("no key\n", "produce", "--topic", "lines", "--json").json().toString());

        Cli.Result consumed = ok("consume", "--topic", "lines", "--from-beginning", "--max-messages", "4",
                "--print-key", "--print-offset", "--print-partition");
        assertEquals(List.of("Partition:0\tOffset:0\tk1\thello", "Partition:0\tOffset:1\tk2\twor:ld", "Partition:0\tOffset:2\tk3\t",
                "Partition:0\tOffset:3\tnull\tno key"), consumed.out().lines().toList(), consumed::toString);
        assertTrue(consumed.err().contains("Consumed 4 record(s)."), consumed::toString);

        Cli.Result json = ok("consume", "--topic", "lines", "--from-beginning", "--max-messages", "2", "--group", "readers", "--json");
        List<String> values = new ArrayList<>();
        for (String line : json.out().lines().toList()) {
            JsonNode r = new Cli.Result(List.of(), 0, line, "", 0).json();
            values.add(r.get("offset").asLong() + "=" + r.get("key").asText() + ":" + r.get("value").asText());
        }
        assertEquals(List.of("0=k1:hello", "1=k2:wor:ld"), values, json::toString);
        ReplicatedCluster.await("readers empty and committed at 2", 30, () -> {
            JsonNode g = ok("groups", "describe", "--group", "readers", "--json").json();
            return g.get("state").asText().equals("Empty") && g.get("partitions").get(0).get("committedOffset").asLong() == 2;
        });
        Cli.Result rest = ok("consume", "--topic", "lines", "--group", "readers", "--timeout-ms", "2000");
        assertEquals(List.of("", "no key"), rest.out().lines().toList(), rest::toString);
        Cli.Result nothing = ok("consume", "--topic", "lines", "--timeout-ms", "500");
        assertEquals("", nothing.out(), "without --from-beginning or a group: only new records");
    }

    @Test
    void wrongInputToProduceAndConsume() {
        ok("topics", "create", "--topic", "strict", "--partitions", "1", "--replication-factor", "1");
        Cli.Result noSeparator = withStdin("a=b\n", "produce", "--topic", "strict", "--key-separator", ":");
        assertEquals(1, noSeparator.exit(), noSeparator::toString);
        assertTrue(noSeparator.err().contains("line 1 has no key separator ':'"), noSeparator::toString);
        failed(1, "topic no-such-topic does not exist", "consume", "--topic", "no-such-topic", "--max-messages", "1");
        failed(2, "Missing required option: '--topic", "produce");
        failed(2, "Invalid value for option '--max-messages'", "consume", "--topic", "strict", "--max-messages", "many");
    }

    @Test
    void propertiesSplitKeysAsTheConsoleProducerDoesAndProducerPropertiesReachTheProducer() {
        ok("topics", "create", "--topic", "props", "--partitions", "1", "--replication-factor", "3");
        awaitDescribed("props", t -> !t.get("partitions").get(0).get("leader").isNull());
        Cli.Result tab = withStdin("k1\tv1\n", "produce", "--topic", "props", "--property", "parse.key=true");
        assertEquals(0, tab.exit(), tab::toString);
        Cli.Result custom = withStdin("k2==v2\n", "produce", "--topic", "props", "--property", "parse.key=true",
                "--property", "key.separator==", "--producer-property", "acks=1", "--producer-property", "linger.ms=0");
        assertEquals(0, custom.exit(), custom::toString);
        Cli.Result off = withStdin("k3\tv3\n", "produce", "--topic", "props", "--property", "parse.key=false", "--json");
        assertEquals("{\"topic\":\"props\",\"records\":1}", off.json().toString());
        Cli.Result consumed = ok("consume", "--topic", "props", "--from-beginning", "--max-messages", "3", "--print-key");
        assertEquals(List.of("k1\tv1", "k2\t=v2", "null\tk3\tv3"), consumed.out().lines().toList(), consumed::toString);

        Cli.Result noTab = withStdin("no tab\n", "produce", "--topic", "props", "--property", "parse.key=true");
        assertEquals(1, noTab.exit(), noTab::toString);
        assertTrue(noTab.err().contains("line 1 has no key separator '\\t'"), noTab::toString);
        Cli.Result badAcks = withStdin("x\n", "produce", "--topic", "props", "--producer-property", "acks=7");
        assertEquals(1, badAcks.exit(), badAcks::toString);
        assertTrue(badAcks.err().contains("acks"), badAcks::toString);
        failed(2, "--property ignore.error: unknown", "produce", "--topic", "props", "--property", "ignore.error=true");
        failed(2, "--property parse.key must be true or false", "produce", "--topic", "props", "--property", "parse.key=yes");
        failed(2, "--producer-property no.such.config: not a config", "produce", "--topic", "props",
                "--producer-property", "no.such.config=1");
        failed(2, "give one or the other", "produce", "--topic", "props", "--key-separator", ":", "--property", "parse.key=true");
        failed(2, "should be in KEY=VALUE format", "produce", "--topic", "props", "--property", "parse.key");
    }
}
