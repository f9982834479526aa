package io.kayak.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of the commands that talk to a node's HTTP admin port ({@code --http-server}, {@code --json}) and
 * the JSON calls they make there, with failures turned into messages that say what to do. Kayak-only: Apache
 * Kafka has no such port. One instance per command invocation, on the CLI's single thread.
 */
final class HttpOptions {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    /** How long a read-only call may take. */
    static final int REQUEST_TIMEOUT_MS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--http-server", defaultValue = "127.0.0.1:8081", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "host:port of any node's HTTP admin port, kayak.http.port; with several, each is tried in turn"
                    + " until one can be reached (default: ${DEFAULT-VALUE}, or $" + EnvironmentDefaults.HTTP_ENV + ")")
    String httpServer;

    @Option(names = "--json", description = "print the result as one line of JSON instead of a table")
    boolean json;

    private HttpClient client;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints a result: {@code json} (plain values, or a node's JSON answer) as JSON with --json, otherwise the human text. */
    void print(Object json, String human) {
        if (this.json && json instanceof JsonNode node) {
            out().println(node.toString());
            out().flush();
        } else if (this.json) {
            Output.printJson(out(), json);
        } else {
            out().print(human.endsWith("\n") || human.isEmpty() ? human : human + "\n");
            out().flush();
        }
    }

    /**
     * {@code GET http://address/path} as JSON; a node that answers an error fails the command. {@code addresses} may
     * list several nodes (comma-separated): one that cannot be reached is skipped for the next.
     */
    JsonNode get(String addresses, String pathAndQuery) {
        return firstReachable(addresses, address -> HttpRequest.newBuilder(uri(address, pathAndQuery)).GET()
                .timeout(Duration.ofMillis(REQUEST_TIMEOUT_MS)).build(), false);
    }

    /**
     * {@code POST http://address/path} with an empty body, answered within {@code timeout}. Of several addresses, the
     * next is tried only when a connection could not even be opened, so a change is never sent twice.
     */
    JsonNode post(String addresses, String pathAndQuery, Duration timeout) {
        return firstReachable(addresses, address -> HttpRequest.newBuilder(uri(address, pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(timeout).build(), true);
    }

    private JsonNode firstReachable(String addresses, java.util.function.Function<String, HttpRequest> request,
                                    boolean onlyRefusedConnections) {
        String[] list = addresses.split(",");
        CommandFailedException last = null;
        for (String a : list) {
            String address = a.trim();
            try {
                return call(address, request.apply(address));
            } catch (Unreachable e) {
                boolean retry = !onlyRefusedConnections || e.getCause() instanceof java.net.ConnectException;
                if (!retry || list.length == 1) {
                    throw e;
                }
                last = e;
            }
        }
        throw new CommandFailedException("no node of " + addresses + " could be reached; last: " + last.getMessage(), last);
    }

    /** A node whose HTTP port could not be reached at all. */
    private static final class Unreachable extends CommandFailedException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, IOException cause) {
            super(message, cause);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private URI uri(String address, String pathAndQuery) {
        try {
            return URI.create("http://" + address + pathAndQuery);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("cannot use '" + address + "' as an HTTP admin address: give host:port, e.g. 127.0.0.1:8081");
        }
    }

    private JsonNode call(String address, HttpRequest request) {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MS)).build();
        }
        HttpResponse<String> r;
        try {
            r = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unreachable("cannot reach a Kayak node's HTTP admin port at " + address + " (" + e
                    + "); is the node running, and is " + address + " its kayak.http.port?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while waiting for " + address);
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (JsonProcessingException e) {
            throw new CommandFailedException(address + " answered " + r.statusCode() + " with something other than JSON;"
                    + " is it a Kayak node's kayak.http.port?");
        }
        if (r.statusCode() != 200) {
            String why = body.hasNonNull("error") ? body.get("error").asText() : r.body();
            throw new CommandFailedException(why + " (HTTP " + r.statusCode() + " from " + address + ")");
        }
        return body;
    }
}
