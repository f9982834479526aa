package io.kayak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The connection options' defaults from {@code KAYAK_BOOTSTRAP_SERVER} and {@code KAYAK_HTTP_SERVER}
 * ({@code bin/kayak-cluster.sh env}), and {@code quorum describe} going down its list of HTTP servers.
 */
class EnvironmentDefaultsTest {

    private static ParseResult parse(Map<String, String> env, String... args) {
        CommandLine cl = new CommandLine(new KayakAdmin());
        cl.setDefaultValueProvider(new EnvironmentDefaults(env::get));
        return cl.parseArgs(args);
    }

    private static Object leaf(ParseResult r) {
        while (r.hasSubcommand()) {
            r = r.subcommand();
        }
        return r.commandSpec().userObject();
    }

    @Test
    void theEnvironmentSetsTheDefaultsAndTheCommandLineWins() {
        Map<String, String> env = Map.of(EnvironmentDefaults.BOOTSTRAP_ENV, "127.0.0.1:19092,127.0.0.1:19093",
                EnvironmentDefaults.HTTP_ENV, "127.0.0.1:18081,127.0.0.1:18082");
        assertEquals("127.0.0.1:19092,127.0.0.1:19093",
                ((TopicsCommand.ListTopics) leaf(parse(env, "topics", "list"))).kafka.bootstrapServer);
        assertEquals("127.0.0.1:19092,127.0.0.1:19093", ((ProduceCommand) leaf(parse(env, "produce", "--topic", "t"))).kafka.bootstrapServer);
        assertEquals("10.0.0.1:9092",
                ((TopicsCommand.ListTopics) leaf(parse(env, "topics", "list", "--bootstrap-server", "10.0.0.1:9092"))).kafka.bootstrapServer);
        assertEquals("127.0.0.1:18081,127.0.0.1:18082", ((QuorumCommand.Describe) leaf(parse(env, "quorum", "describe"))).http.httpServer);
    }

    @Test
    void withoutTheVariablesTheOptionsKeepTheirOwnDefaults() {
        Map<String, String> env = Map.of(EnvironmentDefaults.BOOTSTRAP_ENV, " ");
        assertEquals("localhost:9092", ((TopicsCommand.ListTopics) leaf(parse(env, "topics", "list"))).kafka.bootstrapServer);
        assertEquals("127.0.0.1:8081", ((QuorumCommand.Describe) leaf(parse(Map.of(), "quorum", "describe"))).http.httpServer);
    }

    @Test
    void quorumDescribeAsksTheNextServerWhenOneIsDown() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = ("{\"clusterId\":\"abc\",\"leaderId\":2,\"term\":5,\"commitIndex\":40,\"voters\":["
                + "{\"nodeId\":2,\"role\":\"leader\",\"lastLogIndex\":40,\"lag\":0,\"lastContactMs\":0}]}").getBytes(StandardCharsets.UTF_8);
        server.createContext("/admin/quorum", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String list = "127.0.0.1:1,127.0.0.1:" + server.getAddress().getPort();
            assertEquals(0, KayakAdmin.execute("quorum", "describe", "--http-server", list));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("leaderId:     2"), out::toString);
            assertEquals(1, KayakAdmin.execute("quorum", "describe", "--http-server", "127.0.0.1:1,127.0.0.1:2"));
            String why = err.toString(StandardCharsets.UTF_8);
            assertTrue(why.contains("127.0.0.1:1") && why.contains("127.0.0.1:2") && why.startsWith("error: "), why);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            server.stop(0);
        }
    }
}
