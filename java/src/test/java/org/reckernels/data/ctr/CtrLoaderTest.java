package org.reckernels.data.ctr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reckernels.data.ctr.CtrLoadOptions.BadLinePolicy;

/** Criteo / libsvm / libffm loading: ids, missing values, hashing, vocabulary threshold, every bad-line kind. */
class CtrLoaderTest {
    @TempDir
    Path dir;

    /** A Criteo line from a label, 13 integer columns and 26 categorical columns (null = empty). */
    static String criteo(String label, String[] ints, String[] cats) {
        StringJoiner j = new StringJoiner("\t");
        j.add(label);
        for (int i = 0; i < 13; i++) {
            j.add(ints[i] == null ? "" : ints[i]);
        }
        for (int i = 0; i < 26; i++) {
            j.add(cats[i] == null ? "" : cats[i]);
        }
        return j.toString();
    }

    static String[] ints(long base) {
        String[] s = new String[13];
        for (int i = 0; i < 13; i++) {
            s[i] = Long.toString(base + i);
        }
        return s;
    }

    static String[] cats(int v) {
        String[] s = new String[26];
        for (int i = 0; i < 26; i++) {
            s[i] = String.format("%08x", v * 31 + i);
        }
        return s;
    }

    private Path write(String name, List<String> lines, String eol) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join(eol, lines) + eol, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void criteoIdsMissingValuesAndLogBuckets() throws IOException {
        List<String> lines = new ArrayList<>();
        String[] i1 = ints(0);
        i1[1] = "-3";       // negative count
        i1[2] = null;       // missing integer
        String[] c1 = cats(1);
        c1[5] = null;       // missing categorical
        lines.add(criteo("1", i1, c1));
        lines.add(criteo("0", ints(100), cats(2)));
        lines.add(criteo("0", ints(100), cats(1)));
        Path f = write("train.tsv", lines, "\r\n"); // Windows line endings
        CtrLoader.Loaded l = CtrLoader.load(f, CtrLoadOptions.defaults(CtrFormat.CRITEO).withVocabulary(1));
        CtrDataset d = l.data();
        assertEquals(39, d.fields());
        assertEquals(3, d.size());
        assertArrayEquals(new float[] {1, 0, 0}, d.labels());
        assertEquals(FieldEncoder.MISSING, d.id(0, 2));
        assertEquals(FieldEncoder.MISSING, d.id(0, 13 + 5));
        assertTrue(d.id(0, 1) >= 2 && d.id(1, 1) >= 2 && d.id(0, 1) != d.id(1, 1));
        // Same categorical value in samples 0 and 2 -> same id; different value in sample 1 -> other id.
        assertEquals(d.id(0, 13), d.id(2, 13));
        assertNotEquals(d.id(0, 13), d.id(1, 13));
        assertEquals(2, l.report().missing());
        assertEquals(0, l.report().badLines());
        assertEquals(2, l.report().passes());
        // Log² buckets: monotone, small values kept, no collision between kept values and buckets.
        assertEquals(2, CriteoParser.countKey(2));
        assertEquals(-2, CriteoParser.countKey(-2));
        assertEquals(3 + 1, CriteoParser.countKey(3));          // ln(3)² = 1.2
        assertEquals(3 + 21, CriteoParser.countKey(100));       // ln(100)² = 21.2
        assertEquals(-(3 + 21), CriteoParser.countKey(-100));
        assertEquals(CriteoParser.countKey(101), CriteoParser.countKey(102));
        long prev = Long.MIN_VALUE;
        for (long x = -100_000; x <= 100_000; x += 7) {
            long k = CriteoParser.countKey(x);
            assertTrue(k >= prev, "countKey must be monotone at " + x);
            prev = k;
        }
    }

    @Test
    void everyBadLineKindIsCountedWithFileLineAndValue() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(criteo("1", ints(1), cats(1)));                     // 1 good
        lines.add("1\t2\t3");                                          // 2 wrong field count
        lines.add(criteo("yes", ints(1), cats(1)));                   // 3 non-numeric label
        lines.add(criteo("2", ints(1), cats(1)));                     // 4 label not 0/1
        String[] c = cats(1);
        c[3] = "zz12";
        lines.add(criteo("0", ints(1), c));                           // 5 non-hex categorical
        String[] i = ints(1);
        i[4] = "4.5";
        lines.add(criteo("0", i, cats(1)));                           // 6 non-integer count
        lines.add(criteo("NaN", ints(1), cats(1)));                   // 7 non-finite label
        lines.add("");                                                 // 8 blank
        lines.add(criteo("0", ints(1), cats(1)) + "\textra");         // 9 41 columns
        for (int k = 0; k < 20; k++) {
            lines.add(criteo(k % 2 == 0 ? "0" : "1", ints(k), cats(k)));
        }
        Path f = write("bad.tsv", lines, "\n");
        CtrLoadOptions o = CtrLoadOptions.defaults(CtrFormat.CRITEO).withHashing(1000, 1).withMaxBadFraction(0.5);
        CtrLoader.Loaded l = CtrLoader.load(f, o);
        CtrLoadReport r = l.report();
        assertEquals(lines.size(), r.lines());
        assertEquals(1, r.blankLines());
        assertEquals(7, r.badLines());
        assertEquals(21, r.samples());
        assertEquals(21, l.data().size());
        assertEquals(r.lines(), r.blankLines() + r.samples() + r.badLines(), "nothing dropped silently");
        assertEquals(2L, r.badByKind().get(BadLineKind.WRONG_FIELD_COUNT));
        assertEquals(2L, r.badByKind().get(BadLineKind.BAD_LABEL));
        assertEquals(1L, r.badByKind().get(BadLineKind.NON_HEX_CATEGORICAL));
        assertEquals(1L, r.badByKind().get(BadLineKind.BAD_INTEGER));
        assertEquals(1L, r.badByKind().get(BadLineKind.NON_FINITE_VALUE));
        BadLine hex = r.examples().stream().filter(b -> b.kind() == BadLineKind.NON_HEX_CATEGORICAL).findFirst().orElseThrow();
        assertEquals(5, hex.line());
        assertEquals("zz12", hex.value());
        assertTrue(hex.toString().startsWith(f + ":5: NON_HEX_CATEGORICAL: 'zz12'"), hex.toString());
        assertTrue(r.toString().contains("bad.tsv:3: BAD_LABEL: 'yes'"), r.toString());

        // Fewer examples kept than bad lines: all still counted.
        CtrLoadReport few = CtrLoader.load(f, o.withMaxExamples(2)).report();
        assertEquals(2, few.examples().size());
        assertEquals(7, few.badLines());
        assertTrue(few.toString().contains("5 more"));

        // Fail-fast stops at the first bad line, naming it.
        CtrLoadException ff = assertThrows(CtrLoadException.class, () -> CtrLoader.load(f, o.withPolicy(BadLinePolicy.FAIL_FAST)));
        assertTrue(ff.getMessage().contains("bad.tsv:2: WRONG_FIELD_COUNT: '3'"), ff.getMessage());

        // Too many bad lines for the allowed fraction: a clear abort, in the vocabulary mode's first pass too.
        CtrLoadException many = assertThrows(CtrLoadException.class, () -> CtrLoader.load(f, o.withMaxBadFraction(0.1)));
        assertTrue(many.getMessage().contains("7 of 28 lines are bad"), many.getMessage());
        assertEquals(7, many.report().badLines());
        assertThrows(CtrLoadException.class, () -> CtrLoader.load(f, CtrLoadOptions.defaults(CtrFormat.CRITEO)));
    }

    @Test
    void hashingIsStableSeededAndPerField() throws IOException {
        FieldEncoder a = FieldEncoder.hashing(3, 1 << 18, 0x5eed);
        FieldEncoder b = FieldEncoder.hashing(3, 1 << 18, 0x5eed);
        FieldEncoder otherField = FieldEncoder.hashing(4, 1 << 18, 0x5eed);
        FieldEncoder otherSeed = FieldEncoder.hashing(3, 1 << 18, 0x5eee);
        int sameField = 0;
        int sameSeed = 0;
        int[] hist = new int[16];
        FieldEncoder small = FieldEncoder.hashing(0, 16, 9);
        for (long key = 0; key < 20_000; key++) {
            int id = a.id(key);
            assertEquals(id, b.id(key));
            assertTrue(id >= 1 && id < a.size());
            sameField += id == otherField.id(key) ? 1 : 0;
            sameSeed += id == otherSeed.id(key) ? 1 : 0;
            hist[small.id(key) - 1]++;
        }
        assertTrue(sameField < 10 && sameSeed < 10, "fields and seeds must hash independently: " + sameField + ", " + sameSeed);
        for (int h : hist) {
            assertTrue(Math.abs(h - 1250) < 200, "bucket load " + h + " far from uniform 1250");
        }
        // Pinned ids: saved models depend on ids staying the same from version to version. If this fails, the hash
        // changed: that breaks every model trained on hashed ids, so do not update these numbers lightly.
        assertEquals(1 + Long.remainderUnsigned(FieldEncoder.mix(0xdeadbeefL ^ FieldEncoder.mix(0x5eedL + 0x9E3779B97F4A7C15L * 4)),
                1 << 18), a.id(0xdeadbeefL));
        assertEquals(0xb456bcfc34c2cb2cL, FieldEncoder.mix(1), "murmur3 fmix64(1), as an independent Python implementation computes it");
        // Two loads of the same file with the same seed give identical data sets.
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            lines.add(criteo(k % 3 == 0 ? "1" : "0", ints(k * 5), cats(k % 7)));
        }
        Path f = write("h.tsv", lines, "\n");
        CtrLoadOptions o = CtrLoadOptions.defaults(CtrFormat.CRITEO).withHashing(1 << 10, 42);
        CtrLoader.Loaded x = CtrLoader.load(f, o);
        CtrLoader.Loaded y = CtrLoader.load(f, o);
        assertArrayEquals(x.data().ids(), y.data().ids());
        assertEquals(1, x.report().passes());
        assertEquals(1 + (1 << 10), x.data().vocab()[0]);
    }

    @Test
    void vocabularyThresholdSendsRareKeysToOov() throws IOException {
        // Categorical C1 takes value 0xa 5 times, 0xb 3 times, 0xc once; threshold 3 keeps a and b.
        List<String> lines = new ArrayList<>();
        String[] values = {"a", "a", "a", "a", "a", "b", "b", "b", "c"};
        for (String v : values) {
            String[] c = cats(1);
            c[0] = v;
            lines.add(criteo("1", ints(1), c));
        }
        Path f = write("v.tsv", lines, "\n");
        CtrLoader.Loaded l = CtrLoader.load(f, CtrLoadOptions.defaults(CtrFormat.CRITEO).withVocabulary(3));
        CtrDataset d = l.data();
        int field = 13;
        assertEquals(2 + 2, d.vocab()[field], "missing, OOV, a, b");
        assertEquals(2, d.id(0, field), "most frequent key gets id 2");
        assertEquals(3, d.id(5, field));
        assertEquals(FieldEncoder.OOV, d.id(8, field));
        assertEquals(1, l.report().outOfVocab());
        // A test file encoded with the frozen training vocabulary: unseen keys -> OOV, known keys keep their ids.
        String[] c = cats(1);
        c[0] = "ffff";
        String[] c2 = cats(1);
        c2[0] = "b";
        Path t = write("t.tsv.gz", List.of(), "\n");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(t))) {
            out.write((criteo("0", ints(1), c) + "\n" + criteo("1", ints(1), c2) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        CtrLoader.Loaded test = CtrLoader.load(t, CtrLoadOptions.defaults(CtrFormat.CRITEO), l.encoding());
        assertArrayEquals(d.vocab(), test.data().vocab());
        assertEquals(FieldEncoder.OOV, test.data().id(0, field));
        assertEquals(3, test.data().id(1, field));
        assertEquals(1, test.report().passes());
    }

    @Test
    void libsvmFieldsValuesAndBadFeatures() throws IOException {
        List<String> lines = List.of(
                "+1 1:1 3:1 4:0.5",
                "-1 2:1 3:1\t4:0.25 ",
                "0 1:1 4:0.5",
                "1 1:x",             // bad value
                "1 0:1",             // indices start at 1
                "1 2:1 2:1",         // duplicate index
                "1 3:inf",           // non-finite value
                "1 3",               // missing ':'
                "abc 1:1",           // bad label
                "",
                "   ",
                "1 1:1 4:0");        // value 0 = absent
        Path f = write("a.svm", lines, "\r\n");
        CtrLoader.Loaded l = CtrLoader.load(f, CtrLoadOptions.defaults(CtrFormat.LIBSVM).withMaxBadFraction(1));
        CtrDataset d = l.data();
        CtrLoadReport r = l.report();
        assertEquals(4, d.fields(), "indices 1..4");
        assertEquals(4, d.size());
        assertEquals(6, r.badLines());
        assertEquals(2, r.blankLines());
        assertEquals(3L, r.badByKind().get(BadLineKind.BAD_FEATURE));
        assertEquals(1L, r.badByKind().get(BadLineKind.DUPLICATE_FEATURE));
        assertEquals(1L, r.badByKind().get(BadLineKind.NON_FINITE_VALUE));
        assertEquals(1L, r.badByKind().get(BadLineKind.BAD_LABEL));
        assertArrayEquals(new float[] {1, 0, 0, 1}, d.labels());
        assertEquals(FieldEncoder.MISSING, d.id(0, 1));          // index 2 absent in line 1
        assertEquals(d.id(0, 3), d.id(2, 3));                    // 4:0.5 twice -> same id
        assertNotEquals(d.id(0, 3), d.id(1, 3));                 // 0.5 vs 0.25
        assertEquals(FieldEncoder.MISSING, d.id(3, 3));          // explicit 0
        BadLine dup = r.examples().stream().filter(b -> b.kind() == BadLineKind.DUPLICATE_FEATURE).findFirst().orElseThrow();
        assertEquals(6, dup.line());
        assertEquals("2:1", dup.value());
    }

    @Test
    void libffmFieldParsing() throws IOException {
        List<String> lines = List.of(
                "1 0:5:1 1:7:1 2:9:1",
                "0 0:6:1 2:9:0.5",
                "1 0:5:1 1:8:1 2:9:1",
                "1 0:5:1 0:6:1",     // field 0 twice
                "1 0:5",             // not field:idx:val
                "1 a:5:1",           // non-integer field
                "0 1:-2:1",          // negative index
                "1 0:1:2:3");        // too many parts
        Path f = write("a.ffm", lines, "\n");
        CtrLoader.Loaded l = CtrLoader.load(f, CtrLoadOptions.defaults(CtrFormat.LIBFFM).withMaxBadFraction(1));
        CtrDataset d = l.data();
        assertEquals(3, d.fields());
        assertEquals(3, d.size());
        assertEquals(5, l.report().badLines());
        assertEquals(1L, l.report().badByKind().get(BadLineKind.DUPLICATE_FEATURE));
        assertEquals(4L, l.report().badByKind().get(BadLineKind.BAD_FEATURE));
        assertEquals(d.id(0, 0), d.id(2, 0));
        assertNotEquals(d.id(0, 0), d.id(1, 0));
        assertEquals(FieldEncoder.MISSING, d.id(1, 1));
        assertNotEquals(d.id(0, 2), d.id(1, 2), "same idx, value 1 vs 0.5");
        assertEquals(d.id(0, 2), d.id(2, 2));
        // A fixed field count: a field past it is a bad line.
        CtrLoadOptions fixed = CtrLoadOptions.defaults(CtrFormat.LIBFFM).withFields(2).withHashing(64, 3).withMaxBadFraction(1);
        Path g = write("b.ffm", List.of("1 0:5:1 1:7:1", "0 0:5:1 2:7:1", "0 1:3:1", "1 5:1:1"), "\n");
        CtrLoader.Loaded h = CtrLoader.load(g, fixed);
        assertEquals(2, h.data().fields());
        assertEquals(2, h.data().size());
        assertEquals(1, h.report().passes());
        assertEquals(2L, h.report().badByKind().get(BadLineKind.FIELD_OUT_OF_RANGE));
        assertEquals(65, h.data().vocab()[1]);
    }

    @Test
    void integerParsingMatchesLongParseLong() {
        String[] texts = {"0", "7", "-3", "+12", " 42 ", "9223372036854775807", "-9223372036854775807",
                "9223372036854775808", "-9223372036854775809", "-9223372036854775808", "99999999999999999999", "", "-", "+", "1.5", "1e3", "x1",
                "١٢", "--1", "12 3"};
        for (String t : texts) {
            long expected;
            try {
                expected = Long.parseLong(t.strip());
                if (!t.strip().chars().allMatch(c -> c == '-' || c == '+' || (c >= '0' && c <= '9'))) {
                    expected = CriteoParser.NOT_A_LONG; // Long.parseLong also takes non-ASCII digits; Criteo does not
                }
                if (expected == Long.MIN_VALUE) {
                    expected = CriteoParser.NOT_A_LONG; // the one long the parser reserves as its error value
                }
            } catch (NumberFormatException e) {
                expected = CriteoParser.NOT_A_LONG;
            }
            String line = "ab" + t + "cd";
            assertEquals(expected, CriteoParser.parseLong(line, 2, 2 + t.length()), "'" + t + "'");
        }
    }

    @Test
    void emptyAndAllBadFilesFailClearly() throws IOException {
        Path empty = write("empty.svm", List.of("", ""), "\n");
        CtrLoadException e = assertThrows(CtrLoadException.class,
                () -> CtrLoader.load(empty, CtrLoadOptions.defaults(CtrFormat.LIBSVM)));
        assertTrue(e.getMessage().contains("empty.svm"), e.getMessage());
        Path notGz = write("x.tsv.gz", List.of("1"), "\n");
        IOException io = assertThrows(IOException.class, () -> CtrLoader.load(notGz, CtrLoadOptions.defaults(CtrFormat.CRITEO)));
        assertTrue(io.getMessage().contains("x.tsv.gz"), io.getMessage());
    }

    @Test
    void randomCriteoRoundTripKeepsEqualKeysEqual() throws IOException {
        Random rnd = new Random(5);
        List<String> lines = new ArrayList<>();
        int n = 400;
        int[] catValue = new int[n];
        for (int k = 0; k < n; k++) {
            catValue[k] = rnd.nextInt(20);
            String[] c = cats(catValue[k]);
            String[] i = ints(rnd.nextInt(1000) - 10);
            if (rnd.nextInt(4) == 0) {
                i[rnd.nextInt(13)] = null;
            }
            lines.add(criteo(rnd.nextBoolean() ? "1" : "0", i, c));
        }
        CtrDataset d = CtrLoader.load(write("r.tsv", lines, "\n"), CtrLoadOptions.defaults(CtrFormat.CRITEO).withVocabulary(1)).data();
        for (int a = 0; a < n; a += 7) {
            for (int b = 0; b < n; b += 11) {
                assertEquals(catValue[a] == catValue[b], d.id(a, 20) == d.id(b, 20));
            }
        }
    }
}
