package io.kayak.admin;

import io.kayak.broker.config.KayakConfig;
import io.kayak.broker.storage.MetaProperties;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code storage format}: writes meta.properties (cluster id, node id) into each log dir of a node. */
@Command(name = "storage", mixinStandardHelpOptions = true, description = "Prepare a node's log dirs.",
        subcommands = {StorageCommand.Format.class, StorageCommand.RandomClusterId.class})
final class StorageCommand {

    @Command(name = "format", mixinStandardHelpOptions = true,
            description = "Format the log dirs of the node configured in --config for a cluster.",
            footer = {"", "Examples:",
                    "  kayak-admin.sh storage format --config conf/server-1.properties --cluster-id $(kayak-admin.sh storage random-cluster-id)",
                    "  kayak-admin.sh storage format --config conf/server-1.properties   (new random cluster id)"})
    static final class Format implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the node's server.properties")
        Path config;

        @Option(names = "--cluster-id", description = "the cluster's id; every node of a cluster needs the same one")
        String clusterId;

        @Override
        public Integer call() throws Exception {
            KayakConfig c = KayakConfig.load(config);
            String id = clusterId != null ? clusterId : MetaProperties.newClusterId();
            int formatted = MetaProperties.format(c, id);
            System.out.println("Formatted " + formatted + " of " + c.logDirs().size() + " log dir(s) of node " + c.nodeId()
                    + " for cluster " + id + (formatted < c.logDirs().size() ? " (the others were already formatted)" : ""));
            return 0;
        }
    }

    @Command(name = "random-cluster-id", mixinStandardHelpOptions = true, description = "Print a new cluster id.")
    static final class RandomClusterId implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println(MetaProperties.newClusterId());
            return 0;
        }
    }
}
