package org.reckernels.data.ctr;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link CtrLoader} read from one file and what it made of it. Nothing is dropped silently: every non-blank
 * line is either a sample or a counted bad line ({@code lines = blankLines + samples + badLines}).
 *
 * @param file        the file's name (as used in messages)
 * @param lines       lines read (blank lines included)
 * @param blankLines  empty or whitespace-only lines (skipped, not bad)
 * @param samples     samples kept
 * @param badLines    lines rejected
 * @param badByKind   rejected lines per reason (only reasons that occurred)
 * @param examples    the first rejected lines, verbatim (at most {@link CtrLoadOptions#maxExamples()})
 * @param fields      field count of the data set
 * @param vocab       ids per field (0 = missing; with a vocabulary, 1 = out of vocabulary)
 * @param missing     field values that were missing (id 0) over all kept samples
 * @param outOfVocab  field values mapped to the out-of-vocabulary id (vocabulary encoding only)
 * @param passes      times the file was read (2 when a counting / scan pass was needed)
 */
public record CtrLoadReport(String file, long lines, long blankLines, long samples, long badLines,
        Map<BadLineKind, Long> badByKind, List<BadLine> examples, int fields, int[] vocab, long missing,
        long outOfVocab, int passes) {

    /** Bad lines over non-blank lines (0 for an empty file). */
    public double badFraction() {
        long nonBlank = lines - blankLines;
        return nonBlank == 0 ? 0 : (double) badLines / nonBlank;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(file).append(": ").append(lines).append(" lines, ").append(samples).append(" samples, ")
                .append(badLines).append(" bad lines");
        if (badLines > 0) {
            s.append(" (").append(badByKind.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "))).append(")");
        }
        s.append(", ").append(blankLines).append(" blank; ").append(fields).append(" fields, ")
                .append(java.util.Arrays.stream(vocab).asLongStream().sum()).append(" ids; ").append(missing)
                .append(" missing values, ").append(outOfVocab).append(" out of vocabulary; ").append(passes)
                .append(passes == 1 ? " pass" : " passes");
        for (BadLine b : examples) {
            s.append("\n  ").append(b);
        }
        if (badLines > examples.size()) {
            s.append("\n  ... ").append(badLines - examples.size()).append(" more");
        }
        return s.toString();
    }
}
