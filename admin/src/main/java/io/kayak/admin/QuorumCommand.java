package io.kayak.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quorum describe}: the metadata quorum as its leader sees it, from any node's HTTP admin port —
 * the view of kafka-metadata-quorum's describe --status and --replication in one table.
 */
@Command(name = "quorum", mixinStandardHelpOptions = true, description = "Inspect the metadata quorum.",
        subcommands = QuorumCommand.Describe.class)
final class QuorumCommand {

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Cluster id, leader, term, commit index, and per voter its last log index, lag and last contact.",
            footer = {"", "Examples:", "  kayak-admin.sh quorum describe", "  kayak-admin.sh quorum describe --http-server 127.0.0.1:8082,127.0.0.1:8083 --json"})
    static final class Describe implements Callable<Integer> {
        @Option(names = "--http-server", defaultValue = "127.0.0.1:8081", paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "kayak.http.port of any node(s), asked in turn until one answers (default: ${DEFAULT-VALUE})")
        String httpServer;

        @Option(names = "--json", description = "print the raw JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<String> failures = new ArrayList<>();
            for (String server : httpServer.split(",")) {
                HttpResponse<String> r;
                try {
                    r = http.send(HttpRequest.newBuilder(URI.create("http://" + server.trim() + "/admin/quorum"))
                            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException e) {
                    failures.add("cannot reach a Kayak node at " + server.trim() + " (" + e + ")");
                    continue;
                }
                if (r.statusCode() != 200) {
                    failures.add(server.trim() + " answered " + r.statusCode() + ": " + r.body());
                    continue;
                }
                System.out.println(json ? r.body() : table(r.body()));
                return 0;
            }
            System.err.println("error: " + String.join("; ", failures)
                    + "; is a node running, and is --http-server its kayak.http.port?");
            return 1;
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
