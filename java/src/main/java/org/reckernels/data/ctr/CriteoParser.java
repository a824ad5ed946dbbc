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
            long x = parseLong(line, start, end);
            if (x == NOT_A_LONG) {
                throw new BadLineException(BadLineKind.BAD_INTEGER, line.substring(start, end), "integer column I"
                        + (field + 1) + " is not a 64-bit integer");
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

    /** Returned by {@link #parseLong} for text that is not a long (Long.MIN_VALUE itself is rejected too). */
    static final long NOT_A_LONG = Long.MIN_VALUE;

    /**
     * An optionally signed decimal long in line[start, end), surrounding spaces allowed, without allocating (13 of
     * them per line); {@link #NOT_A_LONG} when malformed or out of range.
     */
    static long parseLong(String line, int start, int end) {
        while (start < end && line.charAt(start) == ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) == ' ') {
            end--;
        }
        boolean negative = false;
        if (start < end && (line.charAt(start) == '-' || line.charAt(start) == '+')) {
            negative = line.charAt(start) == '-';
            start++;
        }
        if (start == end) {
            return NOT_A_LONG;
        }
        long limit = -Long.MAX_VALUE; // Long.MIN_VALUE itself is NOT_A_LONG
        long multMin = limit / 10;
        long x = 0; // accumulated negatively, as Long.parseLong does
        for (int i = start; i < end; i++) {
            int digit = line.charAt(i) - '0';
            if (digit < 0 || digit > 9 || x < multMin) {
                return NOT_A_LONG;
            }
            x *= 10;
            if (x < limit + digit) {
                return NOT_A_LONG;
            }
            x -= digit;
        }
        if (!negative) {
            return -x;
        }
        return x;
    }
}
