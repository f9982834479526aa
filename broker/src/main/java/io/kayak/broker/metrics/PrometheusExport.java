package io.kayak.broker.metrics;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's registry in Prometheus text format (version 0.0.4), converted by client_java's Dropwizard bridge
 * ({@link DropwizardExports}) and written by its {@link PrometheusTextFormatWriter}; names and labels come from
 * {@link MetricNames}.
 *
 * <p>Why the layers: the bridge builds one snapshot per Dropwizard metric and refuses two snapshots of one name,
 * yet a labelled family ({@code kayak_request_requests_total{request="Produce"}}, {@code ...{request="Fetch"}})
 * is many Dropwizard metrics under one name. So the metrics are split into layers holding at most one member of
 * each family, each layer is converted on its own, and the families' data points are merged. Meters become
 * counters ({@code _total}), timers and histograms summaries, gauges gauges; non-numeric gauges are skipped.
 *
 * <p>Thread-safe: each {@link #write} reads the registry afresh.
 */
public final class PrometheusExport {
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final MetricRegistry registry;
    private final CustomLabelMapper mapper = new Mapper();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public PrometheusExport(MetricRegistry registry) {
        this.registry = registry;
    }

    public void write(OutputStream out) throws IOException {
        writer.write(out, collect());
    }

    /** Every metric of the registry as Prometheus snapshots, one per family. */
    public MetricSnapshots collect() {
        Map<String, Integer> familySize = new HashMap<>();
        List<Set<String>> layers = new ArrayList<>();
        for (String name : registry.getNames()) {
            int layer = familySize.merge(MetricNames.map(name).prometheusName(), 1, Integer::sum) - 1;
            while (layers.size() <= layer) {
                layers.add(new HashSet<>());
            }
            layers.get(layer).add(name);
        }
        Map<String, List<MetricSnapshot>> byFamily = new LinkedHashMap<>();
        for (Set<String> layer : layers) {
            MetricSnapshots part = new DropwizardExports(registry, (name, metric) -> layer.contains(name), mapper).collect();
            for (MetricSnapshot s : part) {
                byFamily.computeIfAbsent(s.getMetadata().getPrometheusName(), k -> new ArrayList<>()).add(s);
            }
        }
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (List<MetricSnapshot> family : byFamily.values()) {
            MetricSnapshot merged = merge(family);
            if (merged != null) {
                all.metricSnapshot(merged);
            }
        }
        return all.build();
    }

    /** One snapshot of a family's data points; members of another type than the first (never expected) are dropped. */
    @SuppressWarnings("unchecked")
    private static MetricSnapshot merge(List<MetricSnapshot> family) {
        MetricSnapshot first = family.get(0);
        MetricMetadata md = new MetricMetadata(first.getMetadata().getName(),
                "Kayak node metric " + first.getMetadata().getPrometheusName() + " (docs/OPERATIONS.md)", first.getMetadata().getUnit());
        if (first instanceof GaugeSnapshot) {
            return new GaugeSnapshot(md, points(family, GaugeSnapshot.class));
        }
        if (first instanceof CounterSnapshot) {
            return new CounterSnapshot(md, points(family, CounterSnapshot.class));
        }
        if (first instanceof SummarySnapshot) {
            return new SummarySnapshot(md, points(family, SummarySnapshot.class));
        }
        return first;
    }

    @SuppressWarnings("unchecked")
    private static <P extends DataPointSnapshot> List<P> points(List<MetricSnapshot> family, Class<? extends MetricSnapshot> type) {
        List<P> points = new ArrayList<>();
        Set<Labels> seen = new HashSet<>();
        for (MetricSnapshot s : family) {
            if (type.isInstance(s)) {
                for (DataPointSnapshot p : s.getDataPoints()) {
                    if (seen.add(p.getLabels())) {
                        points.add((P) p);
                    }
                }
            }
        }
        return points;
    }

    /** {@link MetricNames} as the bridge's label mapper; the one pattern it is built with is required and unused. */
    private static final class Mapper extends CustomLabelMapper {
        Mapper() {
            super(List.of(new MapperConfig("kayak.unused.*", "kayak_unused", Map.of())));
        }

        /** The bridge asks for meters (counters) with {@link #TOTAL} appended to the Dropwizard name. */
        private static final String TOTAL = "_total";

        @Override
        public String getName(String dropwizardName) {
            if (dropwizardName.endsWith(TOTAL)) {
                return MetricNames.map(dropwizardName.substring(0, dropwizardName.length() - TOTAL.length())).prometheusName() + TOTAL;
            }
            return MetricNames.map(dropwizardName).prometheusName();
        }

        @Override
        public Labels getLabels(String dropwizardName, List<String> additionalNames, List<String> additionalValues) {
            String name = dropwizardName.endsWith(TOTAL) ? dropwizardName.substring(0, dropwizardName.length() - TOTAL.length())
                    : dropwizardName;
            Map<String, String> labels = MetricNames.map(name).labels();
            List<String> names = new ArrayList<>(labels.keySet());
            List<String> values = new ArrayList<>(labels.values());
            names.addAll(additionalNames);
            values.addAll(additionalValues);
            return Labels.of(names, values);
        }
    }
}
