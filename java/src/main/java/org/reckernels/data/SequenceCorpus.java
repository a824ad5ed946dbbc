package org.reckernels.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token sequences (sentences, sessions) encoded as vocabulary ids, for word2vec/Item2Vec training.
 * <pre>
 *   ids:    int[numTokens()], every token of every kept sequence, in order (ids of {@link #vocabulary()})
 *   starts: int[numSequences() + 1], sequence s is ids[starts[s] .. starts[s+1])
 * </pre>
 * Reading: a token is a maximal run of bytes other than space, tab, CR, LF, VT and FF; a line is a
 * sequence. Tokens are raw bytes (non-UTF-8 bytes are kept as they are). Documented treatment of
 * awkward input:
 * <ul>
 *   <li>empty lines and lines whose tokens all fall below min_count make no sequence (still counted
 *       as lines);</li>
 *   <li>tokens longer than {@link #MAX_TOKEN_BYTES} bytes are truncated to that length (word2vec
 *       truncates at 100) and counted in {@link #truncatedTokens()};</li>
 *   <li>sequences longer than {@link #MAX_SEQUENCE} kept tokens are split into pieces of that length
 *       (word2vec splits at 1000);</li>
 *   <li>one-token sequences are kept: they count as words but make no training pairs;</li>
 *   <li>a min_count that leaves no token is an {@link IllegalArgumentException} naming the largest count.</li>
 * </ul>
 * {@link #wordCount()} counts words the way the word2vec C tool does (its train_words): every kept
 * token plus one end-of-sentence token per line.
 */
public final class SequenceCorpus {
    public static final int MAX_TOKEN_BYTES = 1024;
    public static final int MAX_SEQUENCE = 1000;

    private final Vocabulary vocabulary;
    private final int[] ids;
    private final int[] starts;
    private final long lines;
    private final long tokensRead;
    private final long truncatedTokens;
    private final String source;

    private SequenceCorpus(Vocabulary vocabulary, int[] ids, int[] starts, long lines, long tokensRead, long truncated,
                           String source) {
        this.vocabulary = vocabulary;
        this.ids = ids;
        this.starts = starts;
        this.lines = lines;
        this.tokensRead = tokensRead;
        this.truncatedTokens = truncated;
        this.source = source;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The token ids, shared (not copied): do not modify. */
    public int[] ids() {
        return ids;
    }

    /** Sequence offsets (length numSequences + 1), shared: do not modify. */
    public int[] starts() {
        return starts;
    }

    public int numSequences() {
        return starts.length - 1;
    }

    public int numTokens() {
        return ids.length;
    }

    /** Lines (or sessions) read, including empty ones. */
    public long lines() {
        return lines;
    }

    /** Every token read, before min_count. */
    public long tokensRead() {
        return tokensRead;
    }

    public long truncatedTokens() {
        return truncatedTokens;
    }

    /** word2vec's train_words: kept tokens plus one end-of-sentence per line. */
    public long wordCount() {
        return ids.length + lines;
    }

    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return String.format("%s: %,d lines, %,d tokens read, vocabulary %,d, %,d tokens kept in %,d sequences%s", source,
                lines, tokensRead, vocabulary.size(), ids.length, numSequences(),
                truncatedTokens > 0 ? ", " + truncatedTokens + " over-long tokens truncated to " + MAX_TOKEN_BYTES + " bytes" : "");
    }

    // ------------------------------------------------------------------ reading

    /** Reads one sequence per line (whitespace-separated tokens). */
    public static SequenceCorpus readText(Path file, int minCount) throws IOException {
        Builder b = new Builder(file.toString());
        try (InputStream in = Files.newInputStream(file)) {
            b.feed(in);
        }
        return b.build(minCount);
    }

    /** Reads a whitespace-tokenised text stream (one sequence per line). */
    public static SequenceCorpus readText(InputStream in, String name, int minCount) throws IOException {
        Builder b = new Builder(name);
        b.feed(in);
        return b.build(minCount);
    }

    /**
     * Reads CSV events {@code session_id,item[,time]}: one sequence per session, in order of first
     * appearance, items ordered by time (numeric, stable) when the column is present, else by line
     * order. A first line whose second field is "item" (or whose third is "time") is a header.
     * Blank lines are skipped; a line that is not UTF-8, has fewer than two fields or a non-numeric time is an error
     * naming the line.
     */
    public static SequenceCorpus readCsv(Path file, int minCount) throws IOException {
        Map<String, List<double[]>> order = new LinkedHashMap<>();
        Map<String, List<String>> items = new HashMap<>();
        long lineNo = 0;
        // decoded line by line (not by a Reader's block), so that a non-UTF-8 line is named exactly
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
            while (true) {
                raw.reset();
                int c;
                while ((c = in.read()) >= 0 && c != '\n') {
                    raw.write(c);
                }
                if (c < 0 && raw.size() == 0) {
                    break;
                }
                lineNo++;
                byte[] bytes = raw.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                String line;
                try {
                    line = utf8.decode(java.nio.ByteBuffer.wrap(bytes, 0, len)).toString();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": not UTF-8 text (CSV input must be UTF-8)");
                }
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length < 2 || f[0].isBlank() || f[1].isBlank()) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": expected 'session_id,item[,time]', got '"
                            + abbreviate(line) + "'");
                }
                if (lineNo == 1 && (f[1].trim().equalsIgnoreCase("item") || (f.length > 2 && f[2].trim().equalsIgnoreCase("time")))) {
                    continue;
                }
                double t = lineNo;
                if (f.length > 2 && !f[2].isBlank()) {
                    try {
                        t = Double.parseDouble(f[2].trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ": time '" + abbreviate(f[2]) + "' is not a number");
                    }
                }
                String session = f[0].trim();
                List<String> its = items.computeIfAbsent(session, k -> new ArrayList<>());
                order.computeIfAbsent(session, k -> new ArrayList<>()).add(new double[] {t, its.size()});
                its.add(f[1].trim());
            }
        }
        Builder b = new Builder(file.toString());
        for (Map.Entry<String, List<double[]>> e : order.entrySet()) {
            List<double[]> o = e.getValue();
            o.sort((x, y) -> Double.compare(x[0], y[0]));
            List<String> its = items.get(e.getKey());
            for (double[] x : o) {
                b.token(its.get((int) x[1]).getBytes(StandardCharsets.UTF_8));
            }
            b.endLine();
        }
        return b.build(minCount);
    }

    /** Sequences given as token strings (tests, generators). */
    public static SequenceCorpus of(List<? extends List<String>> sequences, int minCount, String source) {
        Builder b = new Builder(source);
        for (List<String> s : sequences) {
            for (String t : s) {
                b.token(t.getBytes(StandardCharsets.UTF_8));
            }
            b.endLine();
        }
        return b.build(minCount);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /**
     * One-pass corpus builder: each token is hashed into a provisional id (open addressing on a byte
     * arena) and the id is appended to the corpus; {@link #build} sorts the vocabulary by count, drops
     * tokens below min_count and renumbers the corpus in place.
     */
    static final class Builder {
        private final String source;
        private byte[] arena = new byte[1 << 16];
        private int arenaUsed;
        private int[] tokOff = new int[1024];
        private int[] tokLen = new int[1024];
        private int[] tokHash = new int[1024];
        private long[] tokCount = new long[1024];
        private int numTypes;
        private int[] slots = new int[2048];
        private int[] corpus = new int[1 << 16];
        private int corpusLen;
        private int[] lineEnds = new int[1024]; // corpus offsets where lines end (lines with tokens only)
        private int numLineEnds;
        private long lines;
        private long truncated;
        private boolean lineHasTokens;
        private final byte[] tok = new byte[MAX_TOKEN_BYTES];


        Builder(String source) {
            this.source = source;
        }

        private static final boolean[] SPACE = new boolean[256];

        static {
            for (char c : new char[] {' ', '\n', '\t', '\r', 0x0B, 0x0C}) {
                SPACE[c] = true;
            }
        }

        // a token cut by the end of a read buffer waits here
        private int carryLen;
        private boolean carryOver;

        void feed(InputStream in) throws IOException {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                scan(buf, n);
            }
            if (carryLen > 0) {
                flushCarry();
            }
            if (lineHasTokens) {
                endLine();
            }
        }

        private void flushCarry() {
            if (carryOver) {
                truncated++;
            }
            add(tok, 0, carryLen, Vocabulary.hash(tok, 0, carryLen));
            carryLen = 0;
            carryOver = false;
        }

        /** Tokens are hashed straight out of the read buffer; only a token cut by the buffer end is copied. */
        private void scan(byte[] buf, int n) {
            int i = 0;
            if (carryLen > 0) { // continue the cut token
                while (i < n && !SPACE[buf[i] & 0xFF]) {
                    if (carryLen < MAX_TOKEN_BYTES) {
                        tok[carryLen++] = buf[i];
                    } else {
                        carryOver = true;
                    }
                    i++;
                }
                if (i == n) {
                    return;
                }
                flushCarry();
            }
            while (i < n) {
                byte c = buf[i];
                if (SPACE[c & 0xFF]) {
                    if (c == '\n') {
                        endLine();
                    }
                    i++;
                    continue;
                }
                int j = i;
                int h = 0x811C9DC5;
                while (j < n && !SPACE[buf[j] & 0xFF]) {
                    h = (h ^ buf[j]) * 0x01000193;
                    j++;
                }
                if (j == n) { // cut by the buffer end: carry
                    int len = j - i;
                    carryLen = Math.min(len, MAX_TOKEN_BYTES);
                    carryOver = len > MAX_TOKEN_BYTES;
                    System.arraycopy(buf, i, tok, 0, carryLen);
                    return;
                }
                int len = j - i;
                if (len > MAX_TOKEN_BYTES) {
                    truncated++;
                    add(buf, i, MAX_TOKEN_BYTES, Vocabulary.hash(buf, i, MAX_TOKEN_BYTES));
                } else {
                    add(buf, i, len, Vocabulary.finish(h));
                }
                i = j;
            }
        }

        void token(byte[] t) {
            if (t.length == 0) {
                return;
            }
            if (t.length > MAX_TOKEN_BYTES) {
                truncated++;
            }
            int len = Math.min(t.length, MAX_TOKEN_BYTES);
            add(t, 0, len, Vocabulary.hash(t, 0, len));
        }

        void endLine() {
            lines++;
            if (lineHasTokens) {
                if (numLineEnds == lineEnds.length) {
                    lineEnds = Arrays.copyOf(lineEnds, numLineEnds * 2);
                }
                lineEnds[numLineEnds++] = corpusLen;
                lineHasTokens = false;
            }
        }

        private void add(byte[] b, int off, int len, int h) {
            int mask = slots.length - 1;
            int s = h & mask;
            int id;
            while (true) {
                int v = slots[s];
                if (v == 0) {
                    id = newType(b, off, len, h);
                    slots[s] = id + 1;
                    if (numTypes * 2 > slots.length) {
                        rehash();
                    }
                    break;
                }
                int cand = v - 1;
                if (tokHash[cand] == h && tokLen[cand] == len
                        && Arrays.equals(arena, tokOff[cand], tokOff[cand] + len, b, off, off + len)) {
                    id = cand;
                    break;
                }
                s = (s + 1) & mask;
            }
            tokCount[id]++;
            if (corpusLen == corpus.length) {
                if (corpus.length >= Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException(source + ": more than 2^31 tokens are not supported in one corpus");
                }
                corpus = Arrays.copyOf(corpus, (int) Math.min(Integer.MAX_VALUE - 8L, corpus.length * 2L));
            }
            corpus[corpusLen++] = id;
            lineHasTokens = true;
        }

        private int newType(byte[] b, int off, int len, int h) {
            if (numTypes == tokOff.length) {
                int n = numTypes * 2;
                tokOff = Arrays.copyOf(tokOff, n);
                tokLen = Arrays.copyOf(tokLen, n);
                tokHash = Arrays.copyOf(tokHash, n);
                tokCount = Arrays.copyOf(tokCount, n);
            }
            if (arenaUsed + len > arena.length) {
                long want = Math.max((long) arena.length * 2, (long) arenaUsed + len);
                if (want > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(source + ": distinct tokens take more than 2 GB");
                }
                arena = Arrays.copyOf(arena, (int) want);
            }
            System.arraycopy(b, off, arena, arenaUsed, len);
            tokOff[numTypes] = arenaUsed;
            tokLen[numTypes] = len;
            tokHash[numTypes] = h;
            arenaUsed += len;
            return numTypes++;
        }

        private void rehash() {
            int[] ns = new int[slots.length * 2];
            int mask = ns.length - 1;
            for (int id = 0; id < numTypes; id++) {
                int s = tokHash[id] & mask;
                while (ns[s] != 0) {
                    s = (s + 1) & mask;
                }
                ns[s] = id + 1;
            }
            slots = ns;
        }

        SequenceCorpus build(int minCount) {
            if (minCount < 1) {
                throw new IllegalArgumentException("min_count must be >= 1, got " + minCount);
            }
            long tokensRead = corpusLen;
            // sort provisional ids by count descending, ties by first appearance (provisional id order)
            long[] keys = new long[numTypes];
            int kept = 0;
            long maxCount = 0;
            for (int id = 0; id < numTypes; id++) {
                maxCount = Math.max(maxCount, tokCount[id]);
                if (tokCount[id] >= minCount) {
                    // count in the high bits (descending via negation order), id in the low 32 bits
                    keys[kept++] = ((Long.MAX_VALUE >>> 31) - tokCount[id]) << 31 | id;
                }
            }
            if (kept == 0) {
                throw new IllegalArgumentException(source + ": the vocabulary is empty: no token occurs at least min_count="
                        + minCount + " times" + (numTypes == 0 ? " (no tokens at all)" : " (the most frequent occurs " + maxCount + " times)"));
            }
            Arrays.sort(keys, 0, kept);
            int[] remap = new int[numTypes];
            Arrays.fill(remap, -1);
            byte[][] tokens = new byte[kept][];
            long[] counts = new long[kept];
            for (int r = 0; r < kept; r++) {
                int id = (int) (keys[r] & 0x7FFFFFFFL);
                remap[id] = r;
                tokens[r] = Arrays.copyOfRange(arena, tokOff[id], tokOff[id] + tokLen[id]);
                counts[r] = tokCount[id];
            }
            // renumber in place, dropping rare tokens; rebuild sequence starts, splitting long ones
            int[] starts = new int[16];
            int ns = 0;
            int w = 0;
            int read = 0;
            for (int l = 0; l < numLineEnds; l++) {
                int end = lineEnds[l];
                int seqStart = w;
                for (; read < end; read++) {
                    int r = remap[corpus[read]];
                    if (r >= 0) {
                        if (w - seqStart == MAX_SEQUENCE) {
                            if (ns + 2 > starts.length) {
                                starts = Arrays.copyOf(starts, starts.length * 2);
                            }
                            starts[ns++] = seqStart;
                            seqStart = w;
                        }
                        corpus[w++] = r;
                    }
                }
                if (w > seqStart) {
                    if (ns + 2 > starts.length) {
                        starts = Arrays.copyOf(starts, starts.length * 2);
                    }
                    starts[ns++] = seqStart;
                }
            }
            starts[ns] = w;
            int[] ids = Arrays.copyOf(corpus, w);
            corpus = null;
            return new SequenceCorpus(new Vocabulary(tokens, counts), ids, Arrays.copyOf(starts, ns + 1), lines, tokensRead,
                    truncated, source);
        }
    }
}
