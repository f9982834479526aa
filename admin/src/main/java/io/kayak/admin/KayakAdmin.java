package io.kayak.admin;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/kayak-admin.sh}: the admin CLI. Exit codes: 0 done, 1 failed (the message on stderr says why and what
 * to do), 2 usage error. {@code topics}, {@code groups} and {@code cluster} talk the Kafka protocol (kafka-clients'
 * Admin API) and {@code produce} and {@code consume} use its producer and consumer (docs/ARCHITECTURE.md section 8
 * lists the APIs); {@code quorum} reads a node's HTTP admin port; {@code storage} works on local files. The
 * connection options default to the environment's {@code KAYAK_BOOTSTRAP_SERVER} and {@code KAYAK_HTTP_SERVER}
 * ({@link EnvironmentDefaults}).
 */
@Command(name = "kayak-admin.sh", mixinStandardHelpOptions = true,
        description = "Administer a Kayak cluster.",
        subcommands = {TopicsCommand.class, GroupsCommand.class, ClusterCommand.class, ProduceCommand.class,
                ConsumeCommand.class, PartitionsCommand.class, QuorumCommand.class, PerfCommand.class, StorageCommand.class})
public final class KayakAdmin implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the CLI with its output and errors going to the writers given (tests run it in-process). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new KayakAdmin());
        cl.setDefaultValueProvider(new EnvironmentDefaults(System::getenv));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + (e instanceof CommandFailedException || e.getMessage() != null
                    ? e.getMessage() : e.getClass().getName()));
            cmd.getErr().flush();
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        // The Kafka clients log every failed connection attempt; the CLI reports failures itself.
        if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        System.exit(execute(args));
    }
}
