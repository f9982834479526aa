package io.kayak.admin;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every Kafka-protocol command shares ({@code --bootstrap-server}, {@code --json}), the
 * AdminClient they open, and the translation of Kafka errors into messages that say what to do. Only
 * kafka-clients' public Admin API is used, so the commands work against Apache Kafka too. One instance per
 * command invocation, on the CLI's single thread.
 */
final class KafkaOptions {
    /** How long one request may wait for its answer. */
    static final int REQUEST_TIMEOUT_MS = 10_000;
    /** How long one Admin call may take in all, retries included: the bound on an unreachable cluster. */
    static final int API_TIMEOUT_MS = 15_000;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--bootstrap-server", defaultValue = "localhost:9092", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka listener(s) of any node(s) of the cluster (default: ${DEFAULT-VALUE})")
    String bootstrapServer;

    @Option(names = "--json", description = "print the result as one line of JSON instead of a table")
    boolean json;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints a result: {@code json} as JSON with --json, otherwise the human text. */
    void print(Object json, String human) {
        if (this.json) {
            Output.printJson(out(), json);
        } else {
            out().print(human.endsWith("\n") || human.isEmpty() ? human : human + "\n");
            out().flush();
        }
    }

    /** An Admin client on the bootstrap servers with bounded timeouts; the caller closes it. */
    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, API_TIMEOUT_MS);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "kayak-admin");
        try {
            return Admin.create(p);
        } catch (KafkaException e) {
            throw new CommandFailedException("cannot use --bootstrap-server " + bootstrapServer + ": "
                    + rootMessage(e) + "; give host:port of a node's Kafka listener, e.g. 127.0.0.1:9092");
        }
    }

    /** Closes an Admin client without waiting long for calls still pending (a failed command has nothing to wait for). */
    /** Runs {@code body} with an Admin client that is closed afterwards; exit code 0 unless it throws. */
    int withAdmin(java.util.function.Consumer<Admin> body) {
        Admin admin = admin();
        try {
            body.accept(admin);
            return 0;
        } finally {
            close(admin);
        }
    }

    static void close(Admin admin) {
        admin.close(Duration.ofSeconds(2));
    }

    /** The value of a future, with a failure translated by {@link #explain}. */
    <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw explain(e.getCause(), what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted while " + what);
        }
    }

    /** A Kafka error as a message for the user: what failed, why, and what to do about it. */
    CommandFailedException explain(Throwable e, String what) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String hint;
        if (e instanceof TimeoutException) {
            hint = "no answer from " + bootstrapServer + " within " + API_TIMEOUT_MS / 1000 + " s. Is a node running there,"
                    + " and is --bootstrap-server the host:port of its Kafka listener (listeners in its server.properties)?";
            return new CommandFailedException(what + " failed: " + hint, e);
        } else if (e instanceof UnknownTopicOrPartitionException) {
            why = "the topic or partition does not exist";
            hint = "list the topics with `kayak-admin.sh topics list`";
        } else if (e instanceof TopicExistsException) {
            hint = "use `topics alter` to change it, or `topics delete` first";
        } else if (e instanceof InvalidReplicationFactorException) {
            hint = "the replication factor can be at most the number of live nodes (`kayak-admin.sh cluster describe`)";
        } else if (e instanceof InvalidPartitionsException) {
            hint = "partitions can only be added, and each needs a valid replica list";
        } else if (e instanceof GroupIdNotFoundException) {
            hint = "list the groups with `kayak-admin.sh groups list`";
        } else if (e instanceof GroupNotEmptyException) {
            hint = "the group still has members: stop its consumers first";
        } else if (e instanceof ApiException) {
            hint = null;
        } else {
            hint = null;
            why = e.getClass().getSimpleName() + ": " + why;
        }
        return new CommandFailedException(what + " failed: " + why + (hint == null ? "" : " (" + hint + ")"), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** A map's entries in the order given, for results that must keep their key order. */
    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
