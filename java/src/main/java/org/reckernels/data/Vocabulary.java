package org.reckernels.data;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Tokens (raw bytes, not necessarily UTF-8) with their corpus counts, sorted by count
 * (descending; ties in order of first appearance), so id 0 is the most frequent token. Lookup
 * by bytes is an open-addressing hash table. Immutable once built.
 */
public final class Vocabulary {
    private final byte[][] tokens;
    private final long[] counts;
    private final int[] slots; // id + 1, 0 = empty; power-of-two size
    private final int[] hashes;

    public Vocabulary(byte[][] tokens, long[] counts) {
        if (tokens.length != counts.length) {
            throw new IllegalArgumentException("Vocabulary: " + tokens.length + " tokens but " + counts.length + " counts");
        }
        this.tokens = tokens;
        this.counts = counts;
        int cap = Integer.highestOneBit(Math.max(4, tokens.length * 2 - 1)) << 1;
        slots = new int[cap];
        hashes = new int[tokens.length];
        for (int id = 0; id < tokens.length; id++) {
            int h = hash(tokens[id], 0, tokens[id].length);
            hashes[id] = h;
            int s = h & (cap - 1);
            while (slots[s] != 0) {
                if (Arrays.equals(this.tokens[slots[s] - 1], tokens[id])) {
                    throw new IllegalArgumentException("Vocabulary: duplicate token '" + display(tokens[id]) + "'");
                }
                s = (s + 1) & (cap - 1);
            }
            slots[s] = id + 1;
        }
    }

    /** FNV-1a-style hash with a final avalanche; used by the corpus reader's table too. */
    static int hash(byte[] b, int off, int len) {
        int h = 0x811C9DC5;
        for (int i = off; i < off + len; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return finish(h);
    }

    static int finish(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    public int size() {
        return tokens.length;
    }

    public long count(int id) {
        return counts[id];
    }

    public long[] counts() {
        return counts.clone();
    }

    /** Sum of all counts. */
    public long total() {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }

    public byte[] tokenBytes(int id) {
        return tokens[id].clone();
    }

    /** The token decoded as UTF-8 (malformed bytes become U+FFFD; {@link #tokenBytes} has the raw bytes). */
    public String token(int id) {
        return display(tokens[id]);
    }

    /** Id of the token, or -1 when it is not in the vocabulary. */
    public int id(byte[] token) {
        int h = hash(token, 0, token.length);
        int s = h & (slots.length - 1);
        while (slots[s] != 0) {
            int id = slots[s] - 1;
            if (hashes[id] == h && Arrays.equals(tokens[id], token)) {
                return id;
            }
            s = (s + 1) & (slots.length - 1);
        }
        return -1;
    }

    /** Id of the token (UTF-8 encoded), or -1. */
    public int id(String token) {
        return id(token.getBytes(StandardCharsets.UTF_8));
    }

    static String display(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
