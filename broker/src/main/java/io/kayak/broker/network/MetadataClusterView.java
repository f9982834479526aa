package io.kayak.broker.network;

import io.kayak.metadata.BrokerRegistration;
import io.kayak.metadata.Endpoint;
import io.kayak.metadata.MetadataImage;
import io.kayak.metadata.PartitionImage;
import io.kayak.metadata.TopicImage;
import io.kayak.network.service.ClusterView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The network layer's {@link ClusterView} over this node's metadata image: live (unfenced) brokers and their
 * advertised endpoints, topics, and each partition's published leader, epoch and ISR. Reads the image the
 * supplier returns at the call, so one answer is consistent.
 */
public final class MetadataClusterView implements ClusterView {
    private final String clusterId;
    private final Supplier<MetadataImage> images;
    private final IntSupplier controller;

    public MetadataClusterView(String clusterId, Supplier<MetadataImage> images, IntSupplier controller) {
        this.clusterId = clusterId;
        this.images = images;
        this.controller = controller;
    }

    @Override
    public String clusterId() {
        return clusterId;
    }

    @Override
    public int controllerId() {
        return controller.getAsInt();
    }

    @Override
    public List<BrokerEndpoint> liveBrokers(String listener) {
        List<BrokerEndpoint> out = new ArrayList<>();
        for (BrokerRegistration b : images.get().brokers().values()) {
            if (b.fenced()) {
                continue;
            }
            for (Endpoint e : b.endpoints()) {
                if (e.listener().equals(listener)) {
                    out.add(new BrokerEndpoint(b.nodeId(), e.host(), e.port(), b.rack()));
                }
            }
        }
        out.sort(Comparator.comparingInt(BrokerEndpoint::nodeId));
        return out;
    }

    @Override
    public List<TopicView> topics() {
        MetadataImage image = images.get();
        return image.topics().values().stream().sorted(Comparator.comparing(TopicImage::name))
                .map(t -> view(image, t)).toList();
    }

    @Override
    public Optional<TopicView> topic(String name) {
        MetadataImage image = images.get();
        return image.topic(name).map(t -> view(image, t));
    }

    private static TopicView view(MetadataImage image, TopicImage t) {
        List<PartitionView> parts = new ArrayList<>();
        for (PartitionImage p : t.partitions()) {
            List<Integer> offline = p.replicas().stream()
                    .filter(r -> image.broker(r).map(BrokerRegistration::fenced).orElse(true)).toList();
            parts.add(new PartitionView(p.partition(), p.leader(), p.leaderEpoch(), p.replicas(), p.isr(), offline));
        }
        return new TopicView(t.name(), t.topicId(), parts);
    }
}
