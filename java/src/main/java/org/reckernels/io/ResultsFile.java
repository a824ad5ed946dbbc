package org.reckernels.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark or training result, written as {@code bench/results/<name>-<device>-<date>.json}
 * in the schema of DESIGN.md (name, device, driver, commit, date, settings, metrics, baselines,
 * ratios) plus the command that produced it. Written to a temp file and renamed.
 */
public record ResultsFile(String name, String device, String driver, String commit, String date, String command,
                          Map<String, Object> settings, Map<String, Double> metrics, List<Baseline> baselines,
                          Map<String, Double> ratios) {

    /** A peer measured in the same run. */
    public record Baseline(String name, Map<String, Double> metrics) {
    }

    public ResultsFile {
        settings = new LinkedHashMap<>(settings);
        metrics = new LinkedHashMap<>(metrics);
        baselines = List.copyOf(baselines);
        ratios = new LinkedHashMap<>(ratios);
    }

    public static ResultsFile of(String name, String device, String driver, String command) {
        return new ResultsFile(name, device, driver, Env.commit(), LocalDate.now().toString(), command,
                Map.of(), Map.of(), List.of(), Map.of());
    }

    /** A copy with the given settings, metrics, baselines and ratios (the rest kept). */
    public ResultsFile with(Map<String, Object> settings, Map<String, Double> metrics, List<Baseline> baselines,
                            Map<String, Double> ratios) {
        return new ResultsFile(name, device, driver, commit, date, command, settings, metrics, baselines, ratios);
    }

    /** Reads a results file written by {@link #write} (fields it lacks read as empty). */
    @SuppressWarnings("unchecked")
    public static ResultsFile read(Path file) throws IOException {
        Object root;
        try {
            root = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new IOException(file + ": not a JSON object");
        }
        List<Baseline> baselines = new java.util.ArrayList<>();
        if (m.get("baselines") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> b) {
                    baselines.add(new Baseline(String.valueOf(b.get("name")), numbers(b.get("metrics"))));
                }
            }
        }
        Map<String, Object> settings = m.get("settings") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        return new ResultsFile(str(m, "name"), str(m, "device"), str(m, "driver"), str(m, "commit"), str(m, "date"),
                str(m, "command"), settings, numbers(m.get("metrics")), baselines, numbers(m.get("ratios")));
    }

    private static String str(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : v.toString();
    }

    private static Map<String, Double> numbers(Object o) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v instanceof Number n ? n.doubleValue() : Double.NaN));
        }
        return out;
    }

    /** The file name: name, device (spaces → '-'), date. */
    public String fileName() {
        return name + "-" + device.replaceAll("[^A-Za-z0-9._-]+", "-") + "-" + date + ".json";
    }

    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(fileName());
        Path tmp = Files.createTempFile(dir, ".results", ".tmp");
        Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", name);
        root.put("device", device);
        root.put("driver", driver);
        root.put("commit", commit);
        root.put("date", date);
        root.put("command", command);
        root.put("settings", settings);
        root.put("metrics", metrics);
        root.put("baselines", baselines.stream().map(b -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", b.name());
            m.put("metrics", b.metrics());
            return m;
        }).toList());
        root.put("ratios", ratios);
        return Json.write(root) + "\n";
    }
}
