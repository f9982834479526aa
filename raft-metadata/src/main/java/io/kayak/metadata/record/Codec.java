package io.kayak.metadata.record;

import io.kayak.metadata.Endpoint;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Primitive encoders shared by records, the image snapshot and results. Nullable strings use a -1 length. */
public final class Codec {
    private Codec() {
    }

    public static void writeString(DataOutput out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    public static String readString(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static void writeUuid(DataOutput out, UUID id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    public static UUID readUuid(DataInput in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    public static void writeInts(DataOutput out, List<Integer> ints) throws IOException {
        out.writeInt(ints.size());
        for (int i : ints) {
            out.writeInt(i);
        }
    }

    public static List<Integer> readInts(DataInput in) throws IOException {
        int n = in.readInt();
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readInt());
        }
        return List.copyOf(out);
    }

    public static void writeAssignment(DataOutput out, List<List<Integer>> assignment) throws IOException {
        out.writeInt(assignment.size());
        for (List<Integer> replicas : assignment) {
            writeInts(out, replicas);
        }
    }

    public static List<List<Integer>> readAssignment(DataInput in) throws IOException {
        int n = in.readInt();
        List<List<Integer>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readInts(in));
        }
        return List.copyOf(out);
    }

    /** Writes a string map (null values allowed: they mean "remove"), sorted for a deterministic encoding. */
    public static void writeStringMap(DataOutput out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    public static Map<String, String> readStringMap(DataInput in) throws IOException {
        int n = in.readInt();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(readString(in), readString(in));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    public static void writeEndpoints(DataOutput out, List<Endpoint> endpoints) throws IOException {
        out.writeInt(endpoints.size());
        for (Endpoint e : endpoints) {
            writeString(out, e.listener());
            writeString(out, e.host());
            out.writeInt(e.port());
        }
    }

    public static List<Endpoint> readEndpoints(DataInput in) throws IOException {
        int n = in.readInt();
        List<Endpoint> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Endpoint(readString(in), readString(in), in.readInt()));
        }
        return List.copyOf(out);
    }
}
