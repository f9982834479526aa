package io.kayak.admin;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/kayak-admin.sh}: the admin CLI. Exit codes: 0 done, 1 failed, 2 usage error.
 */
@Command(name = "kayak-admin.sh", mixinStandardHelpOptions = true,
        description = "Administer a Kayak cluster.",
        subcommands = {StorageCommand.class, QuorumCommand.class})
public final class KayakAdmin implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new KayakAdmin());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
