package org.reckernels.data.ctr;

/**
 * libsvm ({@code label idx:val ...}) and libffm ({@code label field:idx:val ...}) lines, tokens separated by
 * spaces or tabs. Features with value 0 are absent (missing). One-hot input (one id per field) needs values to
 * become ids; keys:
 * <ul>
 *   <li>libsvm: field idx − 1 (indices from 1); key = the value's float32 bits (binary data: one key per field;
 *   real values: one key per distinct value, so bucket real-valued data before, or rely on the vocabulary
 *   threshold / hashing);</li>
 *   <li>libffm: field as given (from 0); key = idx when the value is 1, else a mix of idx and the value's bits.</li>
 * </ul>
 */
final class SparseParser implements CtrLineParser {
    private final boolean fieldAware;
    private final int maxFields;
    /** seen[field] == stamp: the field already occurred in the current line. */
    private int[] seen = new int[64];
    private int stamp;

    SparseParser(boolean fieldAware, int maxFields) {
        this.fieldAware = fieldAware;
        this.maxFields = maxFields;
    }

    @Override
    public int fixedFields() {
        return 0;
    }

    @Override
    public void parse(String line, ParsedLine out) throws BadLineException {
        if (++stamp == Integer.MAX_VALUE) {
            java.util.Arrays.fill(seen, 0);
            stamp = 1;
        }
        int len = line.length();
        int i = skipSpace(line, 0);
        int end = tokenEnd(line, i);
        out.label = CtrLineParser.parseLabel(line.substring(i, end));
        i = skipSpace(line, end);
        while (i < len) {
            end = tokenEnd(line, i);
            feature(line.substring(i, end), out);
            i = skipSpace(line, end);
        }
    }

    private void feature(String token, ParsedLine out) throws BadLineException {
        int c1 = token.indexOf(':');
        int c2 = c1 < 0 ? -1 : token.indexOf(':', c1 + 1);
        if (c1 < 0 || (fieldAware ? c2 < 0 || token.indexOf(':', c2 + 1) >= 0 : c2 >= 0)) {
            throw new BadLineException(BadLineKind.BAD_FEATURE, token, fieldAware ? "expected field:idx:val" : "expected idx:val");
        }
        long field;
        long idx;
        String valueText;
        try {
            if (fieldAware) {
                field = Long.parseLong(token.substring(0, c1));
                idx = Long.parseLong(token.substring(c1 + 1, c2));
                valueText = token.substring(c2 + 1);
            } else {
                idx = Long.parseLong(token.substring(0, c1));
                field = idx - 1;
                valueText = token.substring(c1 + 1);
            }
        } catch (NumberFormatException e) {
            throw new BadLineException(BadLineKind.BAD_FEATURE, token, "field and index must be integers");
        }
        if (field < 0 || idx < 0) {
            throw new BadLineException(BadLineKind.BAD_FEATURE, token,
                    fieldAware ? "field and index must be >= 0" : "libsvm indices start at 1");
        }
        if (field >= maxFields) {
            throw new BadLineException(BadLineKind.FIELD_OUT_OF_RANGE, token, (fieldAware ? "field " : "index ")
                    + (fieldAware ? field : idx) + " needs more than maxFields = " + maxFields
                    + " fields (raise it with CtrLoadOptions.withFields / --fields)");
        }
        float value = CtrLineParser.parseNumber(valueText, token);
        if (!Float.isFinite(value)) {
            throw new BadLineException(BadLineKind.NON_FINITE_VALUE, token, "value is not finite");
        }
        int f = (int) field;
        if (f >= seen.length) {
            seen = java.util.Arrays.copyOf(seen, Math.max(f + 1, seen.length * 2));
        }
        if (seen[f] == stamp) {
            throw new BadLineException(BadLineKind.DUPLICATE_FEATURE, token, fieldAware ? "field " + f + " occurs twice"
                    : "index " + idx + " occurs twice");
        }
        seen[f] = stamp;
        if (value == 0f) {
            return; // absent
        }
        long bits = Float.floatToIntBits(value + 0f); // −0 was handled above; bits of a finite float
        long key = fieldAware ? (value == 1f ? idx : FieldEncoder.mix(idx * 0x9E3779B97F4A7C15L ^ bits) | Long.MIN_VALUE)
                : bits;
        out.add(f, key);
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int tokenEnd(String s, int i) {
        while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
            i++;
        }
        return i;
    }
}
