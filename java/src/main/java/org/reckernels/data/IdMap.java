package org.reckernels.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A two-way map between original string ids and dense ints {@code 0..size()-1}, in first-seen
 * order. Loaders fill it; once handed out it is only read. Saved as UTF-8 text, one original id
 * per line, line {@code k+1} holding the id of dense int {@code k}, so that embeddings can be
 * exported under their original ids.
 */
public final class IdMap {
    private final Map<String, Integer> toInt;
    private final List<String> toName;

    IdMap() {
        this.toInt = new HashMap<>();
        this.toName = new ArrayList<>();
    }

    /** A map whose dense int k is {@code names.get(k)}; names must be distinct. */
    public static IdMap of(List<String> names) {
        IdMap m = new IdMap();
        for (String s : names) {
            int before = m.size();
            if (m.intern(Objects.requireNonNull(s, "name")) != before) {
                throw new IllegalArgumentException("IdMap.of: id '" + s + "' appears twice");
            }
        }
        return m;
    }

    /** The dense int of {@code name}, adding it when new. */
    int intern(String name) {
        Integer k = toInt.get(name);
        if (k != null) {
            return k;
        }
        if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("IdMap: id '" + name + "' contains a line break");
        }
        int id = toName.size();
        toInt.put(name, id);
        toName.add(name);
        return id;
    }

    public int size() {
        return toName.size();
    }

    /** The dense int of {@code name}, or -1 when absent. */
    public int idOf(String name) {
        Integer k = toInt.get(name);
        return k == null ? -1 : k;
    }

    /** The original id of dense int {@code id}. */
    public String nameOf(int id) {
        Objects.checkIndex(id, toName.size());
        return toName.get(id);
    }

    /** Original ids in dense-int order (read-only). */
    public List<String> names() {
        return Collections.unmodifiableList(toName);
    }

    /** Writes the map (to a temporary file in the same folder, then renamed over {@code file}). */
    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, String.valueOf(file.getFileName()), ".tmp");
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (String s : toName) {
                    w.write(s);
                    w.write('\n');
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a map written by {@link #save}. */
    public static IdMap load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        IdMap m = new IdMap();
        for (int k = 0; k < lines.size(); k++) {
            if (m.intern(lines.get(k)) != k) {
                throw new IllegalArgumentException(file.getFileName() + " line " + (k + 1) + ": id '" + lines.get(k)
                        + "' appears twice");
            }
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdMap m && m.toName.equals(toName);
    }

    @Override
    public int hashCode() {
        return toName.hashCode();
    }

    @Override
    public String toString() {
        return "IdMap[" + toName.size() + " ids]";
    }
}
