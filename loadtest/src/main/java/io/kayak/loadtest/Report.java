package io.kayak.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects the figures of every repeat of every system and renders one Markdown table: per workload and figure,
 * the median with min and max over the repeats for each system, and each Kayak variant's ratio to Kafka of the
 * medians.
 */
final class Report {
    private static final String KAFKA = "kafka";
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

    /**
     * One row per workload and figure: each system's cell, in the order the systems were first added, then each
     * Kayak variant's ratio to Kafka (when Kafka ran).
     */
    String markdown() {
        List<String> systems = new ArrayList<>();
        values.values().forEach(bySystem -> bySystem.keySet().forEach(s -> {
            if (!systems.contains(s)) {
                systems.add(s);
            }
        }));
        List<String> compared = systems.stream().filter(s -> !s.equals(KAFKA)).toList();
        boolean withKafka = systems.contains(KAFKA);
        StringBuilder out = new StringBuilder("| workload | figure |");
        systems.forEach(s -> out.append(' ').append(title(s)).append(" |"));
        if (withKafka) {
            compared.forEach(s -> out.append(' ').append(title(s)).append("/Kafka |"));
        }
        out.append("\n|---|---|");
        out.append("---|".repeat(systems.size() + (withKafka ? compared.size() : 0))).append('\n');
        values.forEach((key, bySystem) -> {
            String[] wm = key.split("\u0000");
            out.append("| ").append(wm[0]).append(" | ").append(wm[1]).append(" |");
            systems.forEach(s -> out.append(' ').append(cell(bySystem.get(s))).append(" |"));
            if (withKafka) {
                List<Double> kafka = bySystem.get(KAFKA);
                for (String s : compared) {
                    List<Double> mine = bySystem.get(s);
                    String ratio = mine == null || kafka == null ? "–" : fmt(median(mine) / median(kafka))
                            + (higherIsBetter.get(key) ? " (higher is better)" : " (lower is better)");
                    out.append(' ').append(ratio).append(" |");
                }
            }
            out.append('\n');
        });
        if (!durability.isEmpty()) {
            out.append('\n');
            durability.forEach((s, d) -> out.append("- ").append(s).append(": ").append(d).append('\n'));
        }
        return out.toString();
    }

    /** The column title of a system: "Kayak", "Kayak (no fsync)", "Kafka". */
    static String title(String system) {
        return switch (system) {
            case "kayak" -> "Kayak";
            case KAFKA -> "Kafka";
            case KayakProcesses.NO_FSYNC -> "Kayak (no fsync)";
            default -> system;
        };
    }
}
