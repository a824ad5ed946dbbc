package org.reckernels.data.ctr;

/**
 * Criteo TSV: {@code label \t I1..I13 \t C1..C26}. Fields 0..12 are the integer columns, 13..38 the categorical
 * ones; an empty column is missing (no key). Keys:
 * <ul>
 *   <li>integer x: {@link #countKey(long)}: x itself for |x| <= 2, else sign(x)·(3 + ⌊ln²|x|⌋) — the log² bucketing
 *   of the Criteo winners (3 Idiots), shifted so that buckets never collide with the small values kept as they are;
 *   negative counts (Criteo's I2 has some) get their own, mirrored, buckets;</li>
 *   <li>categorical: the value of its 1–16 hexadecimal digits (Criteo's are 8).</li>
 * </ul>
 */
final class CriteoParser implements CtrLineParser {
    static final int INTEGER_FIELDS = 13;
    static final int CATEGORICAL_FIELDS = 26;
    static final int FIELDS = INTEGER_FIELDS + CATEGORICAL_FIELDS;

    @Override
    public int fixedFields() {
        return FIELDS;
    }

    /** The categorical key of an integer count (see the class comment). */
    static long countKey(long x) {
        if (x >= -2 && x <= 2) {
            return x;
        }
        double l = Math.log(Math.abs((double) x));
        long bucket = 3 + (long) Math.floor(l * l);
        return x > 0 ? bucket : -bucket;
    }

    @Override
    public void parse(String line, ParsedLine out) throws BadLineException {
        int columns = countColumns(line); // first: a shifted column would make every later error misleading
        if (columns != FIELDS + 1) {
            throw new BadLineException(BadLineKind.WRONG_FIELD_COUNT, Integer.toString(columns),
                    "expected " + (FIELDS + 1) + " tab-separated columns");
        }
        int start = 0;
        for (int column = 0; column <= FIELDS; column++) {
            int tab = line.indexOf('\t', start);
            int end = tab < 0 ? line.length() : tab;
            column(line, start, end, column, out);
            start = end + 1;
        }
    }

    private static int countColumns(String line) {
        int n = 1;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '\t') {
                n++;
            }
        }
        return n;
    }

    private static void column(String line, int start, int end, int column, ParsedLine out) throws BadLineException {
        if (column == 0) {
            String t = line.substring(start, end).trim();
            if (t.equals("1") || t.equals("0")) {
                out.label = t.equals("1") ? 1f : 0f;
            } else {
                double y;
                try {
                    y = Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new BadLineException(BadLineKind.BAD_LABEL, t, "label is not a number");
                }
                if (!Double.isFinite(y)) {
                    throw new BadLineException(BadLineKind.NON_FINITE_VALUE, t, "label is not finite");
                }
                if (y != 0 && y != 1) {
                    throw new BadLineException(BadLineKind.BAD_LABEL, t, "Criteo label must be 0 or 1");
                }
                out.label = (float) y;
            }
            return;
        }
        if (start == end) {
            return; // missing
        }
        int field = column - 1;
        if (field < INTEGER_FIELDS) {
            String t = line.substring(start, end);
            long x;
            try {
                x = Long.parseLong(t.trim());
            } catch (NumberFormatException e) {
                throw new BadLineException(BadLineKind.BAD_INTEGER, t, "integer column I" + (field + 1)
                        + " is not an integer");
            }
            out.add(field, countKey(x));
        } else {
            if (end - start > 16) {
                throw new BadLineException(BadLineKind.NON_HEX_CATEGORICAL, line.substring(start, end),
                        "categorical column C" + (field - INTEGER_FIELDS + 1) + " has more than 16 hex digits");
            }
            long key = 0;
            for (int i = start; i < end; i++) {
                int digit = hexDigit(line.charAt(i));
                if (digit < 0) {
                    throw new BadLineException(BadLineKind.NON_HEX_CATEGORICAL, line.substring(start, end),
                            "categorical column C" + (field - INTEGER_FIELDS + 1) + " is not hexadecimal");
                }
                key = (key << 4) | digit;
            }
            out.add(field, key);
        }
    }

    /** ASCII hex digit value, or −1 (Character.digit would also accept non-ASCII digits). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
