package io.kayak.network.handler;

import io.kayak.network.protocol.KafkaErrors;
import io.kayak.network.protocol.KafkaRequest;
import io.kayak.network.service.LogDirInfo;
import io.kayak.network.service.PartitionService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs: each data directory of this node with the size of every partition replica stored in it (all
 * of them, or those asked for). Kayak has no future (moving) replicas and a follower's offset lag is not tracked
 * per directory, so {@code is_future_key} is false and {@code offset_lag} 0. From v4 the directory's file system
 * total and usable bytes are included.
 */
public final class DescribeLogDirsHandler implements ApiHandler {
    /** The first version that carries a top-level error code. */
    private static final short ERROR_CODE_VERSION = 3;
    /** The first version that carries the directory's total and usable bytes. */
    private static final short SPACE_VERSION = 4;

    private final PartitionService partitions;

    public DescribeLogDirsHandler(PartitionService partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(KafkaRequest request) {
        DescribeLogDirsRequestData req = (DescribeLogDirsRequestData) request.body();
        DescribeLogDirsResponseData resp = new DescribeLogDirsResponseData().setThrottleTimeMs(0);
        if (request.version() >= ERROR_CODE_VERSION) {
            resp.setErrorCode(Errors.NONE.code());
        }
        for (LogDirInfo dir : partitions.logDirs()) {
            DescribeLogDirsResponseData.DescribeLogDirsResult r = new DescribeLogDirsResponseData.DescribeLogDirsResult()
                    .setLogDir(dir.path()).setErrorCode(KafkaErrors.of(dir.error()).code());
            if (request.version() >= SPACE_VERSION) {
                r.setTotalBytes(dir.totalBytes()).setUsableBytes(dir.usableBytes());
            }
            Map<String, DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new LinkedHashMap<>();
            for (LogDirInfo.PartitionSize p : dir.partitions()) {
                if (!requested(req, p)) {
                    continue;
                }
                topics.computeIfAbsent(p.topic(), name -> new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(name))
                        .partitions().add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                                .setPartitionIndex(p.partition()).setPartitionSize(p.sizeBytes()).setOffsetLag(0)
                                .setIsFutureKey(false));
            }
            r.topics().addAll(topics.values());
            resp.results().add(r);
        }
        return CompletableFuture.completedFuture(resp);
    }

    /** A null topic list asks for every partition. */
    private static boolean requested(DescribeLogDirsRequestData req, LogDirInfo.PartitionSize p) {
        if (req.topics() == null) {
            return true;
        }
        DescribeLogDirsRequestData.DescribableLogDirTopic t = req.topics().find(p.topic());
        return t != null && t.partitions().contains(p.partition());
    }
}
