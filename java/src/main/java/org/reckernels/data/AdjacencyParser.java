package org.reckernels.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Parses {@code user item item ...} lines straight from the file's bytes (memory-mapped, no
 * strings per token). Separators are spaces and tabs; {@code \r} is whitespace, so Windows line
 * endings work; blank lines are skipped; a UTF-8 byte-order mark is skipped. A user listed with no
 * items still counts toward the user count (see {@link #maxListedUser()}).
 */
final class AdjacencyParser {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final int TOKEN_PREVIEW = 40;

    private final String name;
    private final PairBuffer pairs;
    private long lines;
    private int maxListedUser = -1;

    private AdjacencyParser(String name, long sizeHint) {
        this.name = name;
        this.pairs = new PairBuffer((int) Math.min(1 << 26, sizeHint / 5 + 16));
    }

    /** Parses the whole file. */
    static AdjacencyParser parse(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            AdjacencyParser p = new AdjacencyParser(String.valueOf(file.getFileName()), size);
            p.run(seg, size);
            return p;
        }
    }

    PairBuffer pairs() {
        return pairs;
    }

    long lines() {
        return lines;
    }

    /** Largest user id that heads a line (with or without items), or -1. */
    int maxListedUser() {
        return maxListedUser;
    }

    String name() {
        return name;
    }

    private void run(MemorySegment s, long n) {
        long pos = 0;
        if (n >= 3 && s.get(BYTE, 0) == (byte) 0xEF && s.get(BYTE, 1) == (byte) 0xBB && s.get(BYTE, 2) == (byte) 0xBF) {
            pos = 3;
        }
        long line = 1;
        while (pos < n) {
            // One line: first token is the user, the rest are items.
            int user = -1;
            while (true) {
                while (pos < n && isBlank(s.get(BYTE, pos))) {
                    pos++;
                }
                if (pos >= n || s.get(BYTE, pos) == '\n') {
                    break;
                }
                long start = pos;
                long value = 0;
                boolean digits = true;
                while (pos < n) {
                    byte b = s.get(BYTE, pos);
                    if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                        break;
                    }
                    int d = b - '0';
                    if (d < 0 || d > 9) {
                        digits = false;
                    } else if (value <= Integer.MAX_VALUE) {
                        value = value * 10 + d; // once past the int range we only need "too big"
                    }
                    pos++;
                }
                String what = user < 0 ? "user" : "item";
                if (!digits) {
                    throw bad(line, what, s, start, pos);
                }
                if (value >= Integer.MAX_VALUE) {
                    throw outside(line, what, token(s, start, pos));
                }
                if (user < 0) {
                    user = (int) value;
                    maxListedUser = Math.max(maxListedUser, user);
                } else {
                    pairs.add(user, (int) value);
                }
            }
            lines++;
            line++;
            pos++; // past '\n' (or past the end)
        }
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private IllegalArgumentException bad(long line, String what, MemorySegment s, long start, long end) {
        String tok = token(s, start, end);
        if (tok.length() > 1 && tok.charAt(0) == '-' && tok.chars().skip(1).allMatch(c -> c >= '0' && c <= '9')) {
            return outside(line, what, tok);
        }
        return new IllegalArgumentException(name + " line " + line + ": " + what + " id '" + tok + "' is not an integer");
    }

    private IllegalArgumentException outside(long line, String what, String tok) {
        return new IllegalArgumentException(name + " line " + line + ": " + what + " id " + tok + " outside [0, "
                + Integer.MAX_VALUE + ")");
    }

    private static String token(MemorySegment s, long start, long end) {
        long len = Math.min(end - start, TOKEN_PREVIEW);
        byte[] b = new byte[(int) len];
        MemorySegment.copy(s, BYTE, start, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8) + (end - start > TOKEN_PREVIEW ? "..." : "");
    }
}
