package org.reckernels.data.ctr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Streams a Criteo TSV, libsvm or libffm file (gzip when the name ends in {@code .gz}) into a {@link CtrDataset}:
 * one id per field and sample, mapped by {@link CtrLoadOptions} (hashing, or a vocabulary with a frequency
 * threshold built in a first counting pass). The raw text is never held: each line is parsed and encoded as it is
 * read, so memory is the ids (n × F ints) plus the vocabulary counts.
 *
 * <p>Bad lines (see {@link BadLineKind}) never disappear silently: each is counted by reason, the first few are kept
 * with file:line and value, and the {@link CtrLoadReport} says how many lines became samples. Under
 * {@link CtrLoadOptions.BadLinePolicy#FAIL_FAST} the first bad line stops the load; under SKIP the load stops when
 * the bad fraction exceeds {@link CtrLoadOptions#maxBadFraction()} (checked when the file has been read once).
 * Blank lines are skipped and counted; Windows line endings and a UTF-8 byte-order mark are accepted.
 */
public final class CtrLoader {
    private CtrLoader() {
    }

    /** The data set, what the load saw, and the encoders (to encode a test file the same way). */
    public record Loaded(CtrDataset data, CtrLoadReport report, CtrEncoding encoding) {
    }

    public static Loaded load(Path file, CtrLoadOptions options) throws IOException {
        return load(file, options, null);
    }

    /**
     * Loads {@code file}; with {@code frozen} (from an earlier load of the same format) its encoders are reused, one
     * pass: unseen keys become OOV (vocabulary) and fields past its field count are bad lines.
     */
    public static Loaded load(Path file, CtrLoadOptions o, CtrEncoding frozen) throws IOException {
        if (frozen != null && frozen.format() != o.format()) {
            throw new IllegalArgumentException(file + ": encoding is for " + frozen.format() + ", file is " + o.format());
        }
        CtrLineParser parser = CtrLineParser.of(o);
        String name = file.toString();
        int knownFields = frozen != null ? frozen.fields() : parser.fixedFields() != 0 ? parser.fixedFields() : o.fields();
        boolean scan = frozen == null && (o.encoding() == CtrLoadOptions.Encoding.VOCABULARY || knownFields == 0);
        BadLines bad = new BadLines(name, o);
        List<FieldEncoder> encoders;
        Counts firstPass = null;
        if (scan) {
            Counts counts = new Counts(o.encoding() == CtrLoadOptions.Encoding.VOCABULARY);
            firstPass = read(file, parser, knownFields, bad, true, counts::accept);
            bad.checkFraction(firstPass, knownFields);
            int f = knownFields != 0 ? knownFields : counts.maxField + 1;
            if (f == 0) {
                throw new CtrLoadException(name + ": no features in " + firstPass.lines + " lines", bad.report(firstPass, 0,
                        new int[0], 0, 0, 1));
            }
            encoders = new ArrayList<>(f);
            for (int field = 0; field < f; field++) {
                encoders.add(o.encoding() == CtrLoadOptions.Encoding.VOCABULARY
                        ? FieldEncoder.vocabulary(field, counts.field(field), o.minCount())
                        : FieldEncoder.hashing(field, o.hashBuckets(), o.hashSeed()));
            }
        } else if (frozen != null) {
            encoders = frozen.encoders();
        } else {
            encoders = new ArrayList<>(knownFields);
            for (int field = 0; field < knownFields; field++) {
                encoders.add(FieldEncoder.hashing(field, o.hashBuckets(), o.hashSeed()));
            }
        }
        Encode enc = new Encode(name, encoders);
        Counts second = read(file, parser, encoders.size(), bad, !scan, enc::accept);
        if (scan && second.lines != firstPass.lines) {
            throw new IOException(name + ": file changed between the two passes (" + firstPass.lines + " then "
                    + second.lines + " lines)");
        }
        int[] vocab = encoders.stream().mapToInt(FieldEncoder::size).toArray();
        int passes = scan ? 2 : 1;
        if (!scan) {
            bad.checkFraction(second, encoders.size());
        }
        CtrLoadReport report = bad.report(second, encoders.size(), vocab, enc.missing, enc.oov, passes);
        if (enc.samples == 0) {
            throw new CtrLoadException(name + ": no valid sample in " + second.lines + " lines\n" + report, report);
        }
        CtrDataset data = new CtrDataset(vocab, Arrays.copyOf(enc.ids, enc.samples * encoders.size()),
                Arrays.copyOf(enc.labels, enc.samples));
        return new Loaded(data, report, new CtrEncoding(o.format(), encoders));
    }

    /** Receives each good line of a pass. */
    private interface Sink {
        void accept(ParsedLine line);
    }

    /** Line counts of a pass; in the counting pass also the key counts and the largest field. */
    private static final class Counts implements Sink {
        final boolean countKeys;
        final List<LongIntMap> perField = new ArrayList<>();
        int maxField = -1;
        long lines;
        long blank;

        Counts(boolean countKeys) {
            this.countKeys = countKeys;
        }

        LongIntMap field(int f) {
            while (perField.size() <= f) {
                perField.add(new LongIntMap());
            }
            return perField.get(f);
        }

        @Override
        public void accept(ParsedLine p) {
            for (int i = 0; i < p.count; i++) {
                int f = p.fields[i];
                maxField = Math.max(maxField, f);
                if (countKeys) {
                    field(f).add(p.keys[i], 1);
                }
            }
        }
    }

    /** The encoding pass: ids and labels appended per good line. */
    private static final class Encode implements Sink {
        final List<FieldEncoder> encoders;
        final int fields;
        final String file;
        int[] ids;
        float[] labels;
        int samples;
        long missing;
        long oov;

        Encode(String file, List<FieldEncoder> encoders) {
            this.file = file;
            this.encoders = encoders;
            this.fields = encoders.size();
            this.ids = new int[fields * 1024];
            this.labels = new float[1024];
        }

        @Override
        public void accept(ParsedLine p) {
            if ((long) (samples + 1) * fields > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(file + ": more than " + samples + " samples of " + fields
                        + " fields do not fit one int-indexed CtrDataset; split the file");
            }
            if (samples == labels.length) {
                int cap = (int) Math.min((Integer.MAX_VALUE - 16) / fields, 2L * samples);
                labels = Arrays.copyOf(labels, cap);
                ids = Arrays.copyOf(ids, cap * fields);
            }
            int base = samples * fields;
            Arrays.fill(ids, base, base + fields, FieldEncoder.MISSING);
            for (int i = 0; i < p.count; i++) {
                int id = encoders.get(p.fields[i]).id(p.keys[i]);
                ids[base + p.fields[i]] = id;
                if (id == FieldEncoder.OOV && !encoders.get(p.fields[i]).hashing()) {
                    oov++;
                }
            }
            missing += fields - p.count;
            labels[samples++] = p.label;
        }
    }

    /** Bad-line bookkeeping of the pass that records them (the first one). */
    private static final class BadLines {
        final String file;
        final CtrLoadOptions o;
        final Map<BadLineKind, Long> byKind = new EnumMap<>(BadLineKind.class);
        final List<BadLine> examples = new ArrayList<>();
        long count;

        BadLines(String file, CtrLoadOptions o) {
            this.file = file;
            this.o = o;
        }

        void record(long line, BadLineException e, Counts soFar) {
            BadLine b = new BadLine(file, line, e.kind, e.value, e.getMessage());
            count++;
            byKind.merge(e.kind, 1L, Long::sum);
            if (examples.size() < o.maxExamples()) {
                examples.add(b);
            }
            if (o.policy() == CtrLoadOptions.BadLinePolicy.FAIL_FAST) {
                throw new CtrLoadException(b + " [bad-line policy fail-fast]", report(soFar, 0, new int[0], 0, 0, 1));
            }
        }

        void checkFraction(Counts pass, int fields) {
            long nonBlank = pass.lines - pass.blank;
            if (count > 0 && count > o.maxBadFraction() * nonBlank) {
                CtrLoadReport r = report(pass, fields, new int[0], 0, 0, 1);
                throw new CtrLoadException(String.format(java.util.Locale.ROOT,
                        "%s: %d of %d lines are bad (%.2f%%), more than maxBadFraction %.2f%%; load stopped%n%s", file,
                        count, nonBlank, 100.0 * count / nonBlank, 100 * o.maxBadFraction(), r), r);
            }
        }

        CtrLoadReport report(Counts pass, int fields, int[] vocab, long missing, long oov, int passes) {
            return new CtrLoadReport(file, pass.lines, pass.blank, pass.lines - pass.blank - count, count,
                    Collections.unmodifiableMap(new EnumMap<>(byKind)), List.copyOf(examples),
                    fields, vocab, missing, oov, passes);
        }
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
        } catch (IOException e) {
            in.close();
            throw new IOException(file + ": not a gzip file (" + e.getMessage() + ")", e);
        }
        // InputStreamReader replaces malformed UTF-8 with U+FFFD, so a bad byte becomes a bad line, not a crash.
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * One pass over the file: blank lines counted, each other line parsed; good lines go to sink, bad lines are
     * recorded when {@code record} (else skipped: the recording pass saw them). {@code fields} > 0 bounds the fields.
     */
    private static Counts read(Path file, CtrLineParser parser, int fields, BadLines bad, boolean record, Sink sink)
            throws IOException {
        Counts counts = sink instanceof Counts c ? c : new Counts(false);
        ParsedLine p = new ParsedLine();
        try (BufferedReader r = open(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                counts.lines++;
                if (counts.lines == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (isBlank(line)) {
                    counts.blank++;
                    continue;
                }
                p.reset();
                try {
                    parser.parse(line, p);
                    if (fields > 0) {
                        for (int i = 0; i < p.count; i++) {
                            if (p.fields[i] >= fields) {
                                throw new BadLineException(BadLineKind.FIELD_OUT_OF_RANGE, Integer.toString(p.fields[i]),
                                        "field " + p.fields[i] + " >= the data set's " + fields + " fields");
                            }
                        }
                    }
                } catch (BadLineException e) {
                    if (record) {
                        bad.record(counts.lines, e, counts);
                    }
                    continue;
                }
                sink.accept(p);
            }
        }
        return counts;
    }

    /** Empty or spaces only ('\r' too: a stray carriage return); tabs are content in Criteo. */
    private static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && c != '\r') {
                return false;
            }
        }
        return true;
    }
}
