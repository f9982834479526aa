package io.kayak.admin;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Kafka client configs given on the command line ({@code --producer-property acks=1},
 * {@code --consumer-property fetch.min.bytes=1024}) laid over a command's own defaults. A name the client does
 * not know is a usage error (exit 2) here, before a client is built; a bad value is the client's to reject
 * (exit 1 with its message). Stateless.
 */
final class ClientProperties {
    private ClientProperties() {
    }

    /**
     * {@code defaults} with {@code overrides} laid over them.
     *
     * @param known  the client's config names ({@code ProducerConfig.configNames()} etc.)
     * @param option the option the overrides came from, for the message
     */
    static Properties merged(CommandSpec spec, Properties defaults, Map<String, String> overrides, Set<String> known,
                             String option) {
        Properties p = new Properties();
        p.putAll(defaults);
        if (overrides == null) {
            return p;
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " " + e.getKey()
                        + ": not a config of the Kafka client (see its documentation for the names)");
            }
            p.put(e.getKey(), e.getValue());
        }
        return p;
    }
}
