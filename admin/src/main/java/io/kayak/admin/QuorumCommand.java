package io.kayak.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code quorum describe}: the metadata quorum as its leader sees it, from any node's HTTP admin port —
 * the view of kafka-metadata-quorum's describe --status and --replication in one table. {@code quorum
 * transfer-leader}, {@code add-voter} and {@code remove-voter} change it through POST endpoints of the same port
 * (Kayak serves no Kafka AddRaftVoter/RemoveRaftVoter), and print the quorum as it is afterwards.
 */
@Command(name = "quorum", mixinStandardHelpOptions = true, description = "Inspect and change the metadata quorum.",
        subcommands = {QuorumCommand.Describe.class, QuorumCommand.TransferLeader.class, QuorumCommand.AddVoter.class,
                QuorumCommand.RemoveVoter.class})
final class QuorumCommand {

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Cluster id, leader, term, commit index, and per voter its last log index, lag and last contact.",
            footer = {"", "Examples:", "  kayak-admin.sh quorum describe", "  kayak-admin.sh quorum describe --http-server 127.0.0.1:8082,127.0.0.1:8083 --json"})
    static final class Describe implements Callable<Integer> {
        @Mixin
        HttpOptions http;

        @Override
        public Integer call() {
            JsonNode quorum = http.get(http.httpServer, "/admin/quorum");
            http.print(quorum, table(quorum.toString()));
            return 0;
        }
    }

    /** How much longer than the change itself the CLI waits for the node's answer. */
    static final long ANSWER_MARGIN_MS = 15_000;

    /** Posts a change and prints the quorum the node answers with. */
    static int change(HttpOptions http, String pathAndQuery, long timeoutMs, String done) {
        JsonNode quorum = http.post(http.httpServer, pathAndQuery + "&timeoutMs=" + timeoutMs,
                Duration.ofMillis(timeoutMs + ANSWER_MARGIN_MS));
        http.print(quorum, done + "\n\n" + table(quorum.toString()));
        return 0;
    }

    @Command(name = "transfer-leader", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Hand the metadata quorum's leadership to voter --to, once it has caught up (nothing to do if it leads).",
            footer = {"", "Examples:", "  kayak-admin.sh quorum transfer-leader --to 2",
                    "  kayak-admin.sh quorum transfer-leader --to 3 --http-server 127.0.0.1:8082 --json"})
    static final class TransferLeader implements Callable<Integer> {
        @Mixin
        HttpOptions http;

        @Option(names = "--to", required = true, paramLabel = "NODE-ID", description = "the voter to lead")
        int to;

        @Option(names = "--timeout-ms", defaultValue = "30000", description = "give up after this long (default: ${DEFAULT-VALUE})")
        long timeoutMs;

        @Override
        public Integer call() {
            return change(http, "/admin/quorum/transfer-leader?to=" + to, timeoutMs, "Node " + to + " leads the metadata quorum.");
        }
    }

    @Command(name = "add-voter", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Make a node a voter of the metadata quorum: it is added as a non-voting listener unless it is"
                    + " one (a node started outside controller.quorum.voters joins as one), and promoted once its metadata"
                    + " log has caught up with what the leader had committed. --endpoint is its metadata address"
                    + " (kayak.metadata.listener.address, or its controller.quorum.voters entry).",
            footer = {"", "Examples:", "  kayak-admin.sh quorum add-voter --node-id 4 --endpoint 127.0.0.1:9195",
                    "  kayak-admin.sh quorum add-voter --node-id 3 --endpoint 127.0.0.1:9194 \\",
                    "      --timeout-ms 300000 --json"})
    static final class AddVoter implements Callable<Integer> {
        @Mixin
        HttpOptions http;

        @Option(names = "--node-id", required = true, description = "the node to make a voter")
        int nodeId;

        @Option(names = "--endpoint", required = true, paramLabel = "HOST:PORT", description = "its metadata (Ratis) address")
        String endpoint;

        @Option(names = "--timeout-ms", defaultValue = "120000",
                description = "give up if it has not caught up after this long (default: ${DEFAULT-VALUE})")
        long timeoutMs;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!endpoint.matches("[^:\\s]+:\\d{1,5}")) {
                throw new ParameterException(spec.commandLine(), "--endpoint must be HOST:PORT, not '" + endpoint + "'");
            }
            return change(http, "/admin/quorum/add-voter?nodeId=" + nodeId + "&endpoint=" + HttpOptions.encode(endpoint),
                    timeoutMs, "Node " + nodeId + " is a voter.");
        }
    }

    @Command(name = "remove-voter", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Make a voter a non-voting listener of the metadata quorum (it keeps receiving metadata, and"
                    + " add-voter makes it a voter again). Refused if the voters left would not have a live majority; a"
                    + " leader being removed hands leadership to a live voter first.",
            footer = {"", "Examples:", "  kayak-admin.sh quorum remove-voter --node-id 3",
                    "  kayak-admin.sh quorum remove-voter --node-id 3 --http-server 127.0.0.1:8082 --json"})
    static final class RemoveVoter implements Callable<Integer> {
        @Mixin
        HttpOptions http;

        @Option(names = "--node-id", required = true, description = "the voter to remove")
        int nodeId;

        @Option(names = "--timeout-ms", defaultValue = "30000", description = "give up after this long (default: ${DEFAULT-VALUE})")
        long timeoutMs;

        @Override
        public Integer call() {
            return change(http, "/admin/quorum/remove-voter?nodeId=" + nodeId, timeoutMs,
                    "Node " + nodeId + " is no longer a voter (it stays a listener).");
        }
    }

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|-?\\d+)");

    /** Renders the fixed JSON of /admin/quorum as a human table. */
    static String table(String json) {
        int votersAt = json.indexOf("\"voters\":");
        StringBuilder out = new StringBuilder();
        Matcher head = FIELD.matcher(json.substring(0, votersAt));
        while (head.find()) {
            out.append(String.format("%-13s %s%n", head.group(1) + ":", head.group(2).replace("\"", "")));
        }
        out.append(String.format("%n%-8s %-9s %-13s %-6s %s%n", "NodeId", "Role", "LastLogIndex", "Lag", "LastContactMs"));
        for (String voter : json.substring(votersAt).split("\\{")) {
            Matcher m = FIELD.matcher(voter);
            List<String> values = new ArrayList<>();
            while (m.find()) {
                values.add(m.group(2).replace("\"", ""));
            }
            if (values.size() == 5) {
                out.append(String.format("%-8s %-9s %-13s %-6s %s%n", values.toArray()));
            }
        }
        return out.toString().stripTrailing();
    }
}
