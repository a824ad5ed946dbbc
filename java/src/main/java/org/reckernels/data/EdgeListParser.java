package org.reckernels.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Parses {@code user<sep>item[<sep>timestamp]} edge lists with arbitrary string ids. Fields are
 * trimmed and may be wrapped in double quotes (no separators inside a field). The timestamp column
 * is accepted and ignored. Blank lines are skipped.
 */
final class EdgeListParser {
    private EdgeListParser() {
    }

    /** Header names recognised by auto-detection (case-insensitive, first field). */
    private static final Set<String> HEADER_USER = Set.of("user", "user_id", "userid", "uid", "u",
            "visitorid", "visitor_id", "customer_id", "session_id");

    static MappedInteractions parse(Path file, char sep, boolean header) throws IOException {
        String name = String.valueOf(file.getFileName());
        IdMap users = new IdMap();
        IdMap items = new IdMap();
        PairBuffer pairs = new PairBuffer(1024);
        long line = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String s;
            while ((s = r.readLine()) != null) {
                line++;
                if (line == 1 && !s.isEmpty() && s.charAt(0) == '\uFEFF') {
                    s = s.substring(1);
                }
                if ((line == 1 && header) || s.isBlank()) {
                    continue;
                }
                int a = s.indexOf(sep);
                if (a < 0) {
                    throw new IllegalArgumentException(name + " line " + line + ": '" + preview(s)
                            + "' has one field, expected user" + sep + "item[" + sep + "timestamp]");
                }
                int b = s.indexOf(sep, a + 1);
                if (b >= 0 && s.indexOf(sep, b + 1) >= 0) {
                    throw new IllegalArgumentException(name + " line " + line + ": '" + preview(s)
                            + "' has more than 3 fields, expected user" + sep + "item[" + sep + "timestamp]");
                }
                String u = field(s, 0, a, name, line, "user");
                String i = field(s, a + 1, b < 0 ? s.length() : b, name, line, "item");
                pairs.add(users.intern(u), items.intern(i));
            }
        }
        Interactions set = pairs.build(users.size(), items.size());
        return new MappedInteractions(set, users, items, LoadReport.of(name, line, pairs.size(), set));
    }

    /** Separator and header of an edge-list file. */
    record Format(char separator, boolean header) {
    }

    /** Comma unless the first line holds a tab; a header when its first field is a known user-column name. */
    static Format detect(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first == null) {
                return new Format(',', false);
            }
            if (!first.isEmpty() && first.charAt(0) == '\uFEFF') {
                first = first.substring(1);
            }
            char sep = first.indexOf('\t') >= 0 ? '\t' : ',';
            int a = first.indexOf(sep);
            String f = unquote((a < 0 ? first : first.substring(0, a)).trim()).toLowerCase(Locale.ROOT);
            return new Format(sep, HEADER_USER.contains(f));
        }
    }

    private static String field(String s, int from, int to, String name, long line, String what) {
        String f = unquote(s.substring(from, to).trim());
        if (f.isEmpty()) {
            throw new IllegalArgumentException(name + " line " + line + ": empty " + what + " id in '" + preview(s) + "'");
        }
        return f;
    }

    private static String unquote(String f) {
        return f.length() >= 2 && f.charAt(0) == '"' && f.charAt(f.length() - 1) == '"' ? f.substring(1, f.length() - 1).trim() : f;
    }

    private static String preview(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
