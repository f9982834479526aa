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

    @Option(names = "--http-server", defaultValue = "127.0.0.1:8081", paramLabel = "HOST:PORT",
            description = "host:port of any node's HTTP admin port, kayak.http.port (default: ${DEFAULT-VALUE})")
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

    /** {@code GET http://address/path} as JSON; a node that cannot be reached or answers an error fails the command. */
    JsonNode get(String address, String pathAndQuery) {
        return call(address, HttpRequest.newBuilder(uri(address, pathAndQuery)).GET()
                .timeout(Duration.ofMillis(REQUEST_TIMEOUT_MS)).build());
    }

    /** {@code POST http://address/path} with an empty body, answered within {@code timeout}. */
    JsonNode post(String address, String pathAndQuery, Duration timeout) {
        return call(address, HttpRequest.newBuilder(uri(address, pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(timeout).build());
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
            throw new CommandFailedException("cannot reach a Kayak node's HTTP admin port at " + address + " (" + e
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
