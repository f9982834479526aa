package io.kayak.broker.replica;

import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.TopicImage;
import io.kayak.metadata.TopicPartition;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership hand-overs that clients ask for (ElectLeaders), from any node whether it hosts a replica of the
 * partition or not: a Raft client of the partition's group (peers from the metadata image) asks the group's
 * leader to transfer leadership to the target, which Ratis does once the target has caught up, or gives up after
 * the timeout. The client call blocks, so hand-overs run on a pool of {@link #THREADS} threads with at most
 * {@link #QUEUED_MAX} waiting; beyond that they are refused.
 *
 * <p>Thread-safe. Owned by the {@link ReplicaManager}, which closes it before its Raft server.
 */
final class LeadershipTransfers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadershipTransfers.class);
    /** Hand-overs running at once; each blocks a thread until done. */
    static final int THREADS = 4;
    /** Hand-overs that may wait for a thread. */
    static final int QUEUED_MAX = 10_000;

    private final int nodeId;
    private final Supplier<MetadataImage> images;
    private final RaftProperties properties;
    private final ThreadPoolExecutor pool;

    LeadershipTransfers(int nodeId, Supplier<MetadataImage> images, RaftProperties properties) {
        this.nodeId = nodeId;
        this.images = images;
        this.properties = properties;
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED_MAX), r -> {
            Thread t = new Thread(r, "kayak-leader-transfer-" + nodeId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Completes with whether {@code target} now leads the partition; false if it is no replica of it. */
    CompletableFuture<Boolean> transfer(TopicPartition tp, int target, long timeoutMs) {
        MetadataImage image = images.get();
        Optional<TopicImage> topic = image.topic(tp.topic());
        if (topic.isEmpty() || tp.partition() < 0 || tp.partition() >= topic.get().partitions().size()) {
            return CompletableFuture.completedFuture(false);
        }
        List<Integer> replicas = topic.get().partitions().get(tp.partition()).replicas();
        Optional<RaftGroup> group = PartitionGroups.group(image, PartitionGroups.groupId(topic.get().topicId(), tp.partition()),
                replicas);
        if (group.isEmpty() || !replicas.contains(target)) {
            return CompletableFuture.completedFuture(false);
        }
        try {
            return CompletableFuture.supplyAsync(() -> transferNow(group.get(), target, timeoutMs), pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(false);
        }
    }

    private boolean transferNow(RaftGroup group, int target, long timeoutMs) {
        try (RaftClient client = RaftClient.newBuilder().setProperties(properties).setRaftGroup(group).build()) {
            RaftClientReply reply = client.admin().transferLeadership(PartitionGroups.peerId(target), timeoutMs);
            if (!reply.isSuccess()) {
                LOG.info("Node {}: leadership of group {} was not handed to node {}: {}", nodeId, group.getGroupId(), target,
                        reply.getException());
            }
            return reply.isSuccess();
        } catch (IOException | RuntimeException e) {
            LOG.info("Node {}: leadership of group {} was not handed to node {}: {}", nodeId, group.getGroupId(), target,
                    e.toString());
            return false;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
