package io.kayak.admin;

import static io.kayak.admin.KafkaOptions.fields;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cluster describe}: the cluster id, the controller (Kayak: the metadata quorum's leader), and per node its
 * endpoint, rack, whether it is alive, and how many partitions it leads and hosts, from DescribeCluster and the
 * topics' Metadata. A node that hosts replicas but is missing from the live brokers is listed as not alive.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Inspect the cluster's nodes.",
        subcommands = ClusterCommand.Describe.class)
final class ClusterCommand {
    private ClusterCommand() {
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Cluster id, controller, and per node its endpoint, rack, liveness, partition leaders and replicas.",
            footer = {"", "Examples:", "  kayak-admin.sh cluster describe", "  kayak-admin.sh cluster describe --json"})
    static final class Describe implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            return kafka.withAdmin(admin -> {
                describe(admin);
            });
        }

        private void describe(Admin admin) {
            DescribeClusterResult c = admin.describeCluster();
            String clusterId = kafka.await(c.clusterId(), "describing the cluster");
            Node controller = kafka.await(c.controller(), "describing the cluster");
            Collection<Node> live = kafka.await(c.nodes(), "describing the cluster");
            Collection<String> names = kafka.await(admin.listTopics().names(), "listing topics");
            Collection<TopicDescription> topics = names.isEmpty() ? List.of()
                    : kafka.await(admin.describeTopics(names).allTopicNames(), "describing topics").values();
            Map<Integer, int[]> counts = new TreeMap<>();
            live.forEach(n -> counts.put(n.id(), new int[2]));
            for (TopicDescription t : topics) {
                for (TopicPartitionInfo p : t.partitions()) {
                    if (p.leader() != null && !p.leader().isEmpty()) {
                        counts.computeIfAbsent(p.leader().id(), id -> new int[2])[0]++;
                    }
                    p.replicas().forEach(r -> counts.computeIfAbsent(r.id(), id -> new int[2])[1]++);
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            counts.forEach((id, n) -> {
                Node node = live.stream().filter(l -> l.id() == id).findFirst().orElse(null);
                rows.add(fields("node", id, "host", node == null ? null : node.host(), "port", node == null ? null : node.port(),
                        "rack", node == null ? null : node.rack(), "alive", node != null, "leaders", n[0], "replicas", n[1]));
            });
            Integer controllerId = controller == null || controller.isEmpty() ? null : controller.id();
            kafka.print(fields("clusterId", clusterId, "controller", controllerId, "nodes", rows),
                    String.format("ClusterId: %s  Controller: %s%n%n%s", clusterId, Output.cell(controllerId), Output.table(rows)));
        }
    }
}
