package org.reckernels.bench;

import org.reckernels.io.ResultsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Generates the README's results table from {@code bench/results/*.json}: one row per file
 * (name, device, key metrics, ratios, date, commit), sorted by name, device and date. Rewrites the
 * README between {@code <!-- results:begin -->} and {@code <!-- results:end -->}; without those
 * markers it prints the table to stdout. Nothing in the table is typed by hand.
 *
 * <p>Usage: {@code ResultsTable [resultsDir [readme]]} (defaults bench/results, README.md).
 */
public final class ResultsTable {
    public static final String BEGIN = "<!-- results:begin -->";
    public static final String END = "<!-- results:end -->";
    /** Metrics shown, in this order, when a file has them. */
    static final List<String> KEY_METRICS = List.of("recall@20", "ndcg@20", "recall@10", "epochs", "auc", "ms", "gbps", "bw_fraction",
            "sec_per_epoch", "samples_per_s", "qps");

    private ResultsTable() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "bench/results");
        Path readme = Path.of(args.length > 1 ? args[1] : "README.md");
        String table = render(load(dir));
        String text = Files.isRegularFile(readme) ? Files.readString(readme, StandardCharsets.UTF_8) : "";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b < 0 || e < b) {
            System.out.print(table);
            return;
        }
        String updated = text.substring(0, b + BEGIN.length()) + "\n" + table + text.substring(e);
        Path tmp = Files.createTempFile(readme.toAbsolutePath().getParent(), ".readme", ".tmp");
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        Files.move(tmp, readme, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ResultsTable: " + readme + " updated from " + dir);
    }

    /** Every results file in {@code dir}, sorted by name, device, date. */
    static List<ResultsFile> load(Path dir) throws IOException {
        List<ResultsFile> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(ResultsFile.read(f));
            }
        }
        out.sort(Comparator.comparing(ResultsFile::name).thenComparing(ResultsFile::device)
                .thenComparing(ResultsFile::date));
        return out;
    }

    static String render(List<ResultsFile> results) {
        MarkdownTable t = new MarkdownTable("name", "device", "metrics", "baselines", "ratios", "date", "commit");
        for (ResultsFile r : results) {
            String baselines = r.baselines().stream().map(b -> b.name() + ": " + join(pick(b.metrics())))
                    .collect(java.util.stream.Collectors.joining("; "));
            t.row(r.name(), r.device(), join(pick(r.metrics())), baselines, join(r.ratios()), r.date(), r.commit());
        }
        return t.isEmpty() ? "_no results yet_\n" : t.render();
    }

    private static Map<String, Double> pick(Map<String, Double> metrics) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        KEY_METRICS.forEach(k -> {
            if (metrics.containsKey(k)) {
                m.put(k, metrics.get(k));
            }
        });
        return m.isEmpty() ? metrics : m;
    }

    private static String join(Map<String, Double> m) {
        return m.entrySet().stream().map(e -> e.getKey() + " " + MarkdownTable.num(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
