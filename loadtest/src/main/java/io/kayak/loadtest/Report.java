package io.kayak.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the figures of every repeat of every system and renders one Markdown table: per workload and figure,
 * the median with min and max over the repeats for each system, and the Kayak/Kafka ratio of the medians.
 */
final class Report {
    /** (workload, metric) -> system -> values over repeats, in first-seen order. */
    private final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
    private final Map<String, Boolean> higherIsBetter = new LinkedHashMap<>();
    private final Map<String, String> durability = new LinkedHashMap<>();

    void add(String system, List<Figure> figures) {
        for (Figure f : figures) {
            String key = f.workload() + "\u0000" + f.metric();
            values.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(system, s -> new ArrayList<>())
                    .add(f.value());
            higherIsBetter.put(key, f.higherIsBetter());
        }
    }

    void durability(String system, String text) {
        durability.put(system, text);
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** The median, with [min–max] when there was more than one repeat. */
    static String cell(List<Double> v) {
        if (v == null || v.isEmpty()) {
            return "–";
        }
        if (v.size() == 1) {
            return fmt(v.get(0));
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        return fmt(median(v)) + " [" + fmt(Arrays.stream(a).min().orElseThrow()) + "–"
                + fmt(Arrays.stream(a).max().orElseThrow()) + "]";
    }

    static String fmt(double d) {
        if (Double.isNaN(d)) {
            return "n/a";
        }
        double abs = Math.abs(d);
        return String.format(Locale.ROOT, abs >= 1000 ? "%.0f" : abs >= 10 ? "%.1f" : "%.2f", d);
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| workload | figure | Kayak | Kafka | Kayak/Kafka |\n|---|---|---|---|---|\n");
        values.forEach((key, bySystem) -> {
            String[] wm = key.split("\u0000");
            List<Double> kayak = bySystem.get("kayak");
            List<Double> kafka = bySystem.get("kafka");
            String ratio = kayak == null || kafka == null ? "–" : fmt(median(kayak) / median(kafka))
                    + (higherIsBetter.get(key) ? " (higher is better)" : " (lower is better)");
            out.append("| ").append(wm[0]).append(" | ").append(wm[1]).append(" | ").append(cell(kayak)).append(" | ")
                    .append(cell(kafka)).append(" | ").append(ratio).append(" |\n");
        });
        if (!durability.isEmpty()) {
            out.append('\n');
            durability.forEach((s, d) -> out.append("- ").append(s).append(": ").append(d).append('\n'));
        }
        return out.toString();
    }
}
