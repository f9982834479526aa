package io.kayak.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one place that renders command results, as a human table or as JSON. A result is made of plain values:
 * {@code Map<String, ?>} (a {@link java.util.LinkedHashMap} keeps its key order), {@code Collection},
 * {@code String}, {@code Number}, {@code Boolean} and {@code null}. A table is a list of such maps, one per row,
 * whose camelCase keys become the column headers in upper kebab case ({@code logEndOffset} is
 * {@code LOG-END-OFFSET}), so both renderings come from the same rows. Stateless.
 */
final class Output {
    /** What a table shows for a null value, as Kafka's tools do. */
    static final String ABSENT = "-";

    private Output() {
    }

    /** Rows as a table with a header line; columns are the keys of the first row, two spaces apart. */
    static String table(List<? extends Map<String, ?>> rows) {
        if (rows.isEmpty()) {
            return "";
        }
        List<String> keys = new ArrayList<>(rows.get(0).keySet());
        List<List<String>> cells = new ArrayList<>();
        cells.add(keys.stream().map(Output::header).toList());
        for (Map<String, ?> row : rows) {
            cells.add(keys.stream().map(k -> cell(row.get(k))).toList());
        }
        int[] widths = new int[keys.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : cells) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                l.append(i == 0 ? "" : "  ").append(String.format("%-" + widths[i] + "s", line.get(i)));
            }
            out.append(l.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** {@code logEndOffset} as {@code LOG-END-OFFSET}. */
    static String header(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toUpperCase(java.util.Locale.ROOT);
    }

    /** A value in a table cell: collections comma-separated, null as {@link #ABSENT}. */
    static String cell(Object value) {
        if (value == null) {
            return ABSENT;
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(Output::cell).collect(Collectors.joining(","));
        }
        if (value instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> e.getKey() + "=" + cell(e.getValue())).collect(Collectors.joining(","));
        }
        return value.toString();
    }

    /** A value as JSON text (one line). */
    static String json(Object value) {
        StringBuilder sb = new StringBuilder();
        writeJson(sb, value);
        return sb.toString();
    }

    static void printJson(PrintWriter out, Object value) {
        out.println(json(value));
        out.flush();
    }

    private static void writeJson(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ",");
                first = false;
                writeString(sb, String.valueOf(e.getKey()));
                sb.append(':');
                writeJson(sb, e.getValue());
            }
            sb.append('}');
        } else if (value instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                sb.append(first ? "" : ",");
                first = false;
                writeJson(sb, o);
            }
            sb.append(']');
        } else if (value instanceof Number || value instanceof Boolean) {
            sb.append(value);
        } else {
            writeString(sb, value.toString());
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
