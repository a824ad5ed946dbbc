package org.reckernels.data.ctr;

/** Parses one non-blank line of a CTR format into a {@link ParsedLine}, or rejects it. Stateless between lines. */
interface CtrLineParser {
    /** Fills {@code out} (already reset) or throws; {@code line} has no line terminator. */
    void parse(String line, ParsedLine out) throws BadLineException;

    /** The field count the format fixes, or 0 when it comes from the data. */
    int fixedFields();

    static CtrLineParser of(CtrLoadOptions o) {
        return switch (o.format()) {
            case CRITEO -> new CriteoParser();
            case LIBSVM -> new SparseParser(false, o.maxFields());
            case LIBFFM -> new SparseParser(true, o.maxFields());
        };
    }

    /** A label: any finite number, > 0 is a click (libsvm's +1/−1 and 1/0 both work). */
    static float parseLabel(String token) throws BadLineException {
        double y;
        try {
            y = parseNumber(token, token);
        } catch (BadLineException e) {
            throw new BadLineException(BadLineKind.BAD_LABEL, token, "label is not a number");
        }
        if (!Double.isFinite(y)) {
            throw new BadLineException(BadLineKind.NON_FINITE_VALUE, token, "label is not finite");
        }
        return y > 0 ? 1f : 0f;
    }

    /**
     * A float, with C's spellings of non-finite values too ("inf", "-inf", "nan", any case: what printf writes), so
     * that they are reported as non-finite rather than as malformed.
     */
    static float parseNumber(String text, String token) throws BadLineException {
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            String t = text.toLowerCase(java.util.Locale.ROOT);
            if (t.startsWith("-") || t.startsWith("+")) {
                t = t.substring(1);
            }
            if (t.equals("inf") || t.equals("infinity") || t.equals("nan")) {
                return Float.NaN;
            }
            throw new BadLineException(BadLineKind.BAD_FEATURE, token, "value is not a number");
        }
    }
}
