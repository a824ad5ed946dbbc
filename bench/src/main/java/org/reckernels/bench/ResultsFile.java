package org.reckernels.bench;

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
