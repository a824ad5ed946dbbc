package org.reckernels.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.io.TableFile;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * The file layout of the one-hot CTR models (FM, FFM, DeepFM): one checksummed table (R + 1 + P) x (width + 1),
 * row r holding the embedding row V[r] (width floats) then the linear weight w[r]; row R holds zeros then the
 * bias. Metadata: model, dim, vocab (per-field row counts) and the model's own extras. R = Σ vocab; width = d for
 * the FM and DeepFM, F·d for the FFM.
 *
 * <p>A model with dense parameters beyond the tables (DeepFM's MLP) appends them after row R as "extra" matrices:
 * their floats, each matrix row-major, one after the other, fill the P further rows of width + 1 floats (the last
 * row padded with zeros), and the metadata key {@code extra} lists their shapes ({@code 624x64,1x64,...}). One
 * file, one checksum, written atomically by {@link TableFile}.
 */
final class CtrModelFile {
    private CtrModelFile() {
    }

    /**
     * What {@link #read} found: the metadata, d, the vocabulary, V (R x width) and w (R + 1 x 1) on the host, and the
     * extra matrices in the order they were written (empty for FM and FFM).
     */
    record Contents(Map<String, String> metadata, int dim, int[] vocab, HostMatrix v, HostMatrix w,
                    List<HostMatrix> extra) implements AutoCloseable {
        @Override
        public void close() {
            v.close();
            w.close();
            extra.forEach(HostMatrix::close);
        }
    }

    /** Writes V (R x width) and w (R + 1 x 1) from {@code backend} with {@code model}, dim, vocab and {@code extra}. */
    static void write(Backend backend, Path file, String model, int dim, int[] vocab, Matrix v, Matrix w,
                      Map<String, String> extra) throws IOException {
        write(backend, file, model, dim, vocab, v, w, extra, List.of());
    }

    /** As {@link #write(Backend, Path, String, int, int[], Matrix, Matrix, Map)} plus dense matrices after the tables. */
    static void write(Backend backend, Path file, String model, int dim, int[] vocab, Matrix v, Matrix w,
                      Map<String, String> extra, List<Matrix> extraMatrices) throws IOException {
        long r = v.rows();
        long width = v.cols();
        long extraFloats = 0;
        StringBuilder shapes = new StringBuilder();
        for (Matrix m : extraMatrices) {
            extraFloats += m.rows() * m.cols();
            shapes.append(shapes.isEmpty() ? "" : ",").append(m.rows()).append('x').append(m.cols());
        }
        long extraRows = (extraFloats + width) / (width + 1);   // ceil(extraFloats / (width + 1))
        try (HostMatrix hv = HostMatrix.zeros(r, width); HostMatrix hw = HostMatrix.zeros(r + 1, 1);
             HostMatrix t = HostMatrix.zeros(r + 1 + extraRows, width + 1)) {
            backend.download(v, hv);
            backend.download(w, hw);
            for (long i = 0; i <= r; i++) {
                for (long c = 0; c < width && i < r; c++) {
                    t.set(i, c, hv.get(i, c));
                }
                t.set(i, width, hw.get(i, 0));
            }
            long at = (r + 1) * (width + 1);   // element offset of the first extra float
            for (Matrix m : extraMatrices) {
                try (HostMatrix h = HostMatrix.zeros(m.rows(), m.cols())) {
                    backend.download(m, h);
                    long n = m.rows() * m.cols();
                    java.lang.foreign.MemorySegment.copy(h.segment(), 0, t.segment(), at * Float.BYTES, n * Float.BYTES);
                    at += n;
                }
            }
            Map<String, String> meta = new LinkedHashMap<>(extra);
            meta.put("model", model);
            meta.put("dim", Integer.toString(dim));
            meta.put("vocab", Arrays.toString(vocab).replaceAll("[\\[\\] ]", ""));
            if (!extraMatrices.isEmpty()) {
                meta.put("extra", shapes.toString());
            }
            TableFile.write(file, meta, t);
        }
    }

    /**
     * Reads a file written by {@link #write} for {@code model}, whose rows are {@code fieldsPerRow}·d wide
     * (1 for the FM, F for the FFM); a foreign model or a table that disagrees with its metadata is an error
     * naming the file.
     */
    static Contents read(Path file, String model, boolean widthPerField) throws IOException {
        TableFile.Loaded l = TableFile.read(file);
        try (HostMatrix t = l.table()) {
            Map<String, String> m = l.metadata();
            if (!model.equals(m.get("model"))) {
                throw new IllegalArgumentException(file + ": not an " + model.toUpperCase(java.util.Locale.ROOT)
                        + " model file (model = " + m.get("model") + ")");
            }
            int dim = positiveInt(file, "dim", m.get("dim"));
            int[] vocab;
            try {
                vocab = Arrays.stream(String.valueOf(m.get("vocab")).split(",")).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": metadata vocab = '" + m.get("vocab")
                        + "' is not a list of integers", e);
            }
            long r = Arrays.stream(vocab).asLongStream().sum();
            int width = widthPerField ? vocab.length * dim : dim;
            List<long[]> shapes = extraShapes(file, m.get("extra"));
            long extraFloats = shapes.stream().mapToLong(s -> s[0] * s[1]).sum();
            long extraRows = (extraFloats + width) / (width + 1L);
            if (t.rows() != r + 1 + extraRows || t.cols() != width + 1L) {
                throw new IllegalArgumentException(file + ": table is " + t.shape() + ", metadata implies "
                        + (r + 1 + extraRows) + "x" + (width + 1));
            }
            HostMatrix hv = HostMatrix.zeros(r, width);
            HostMatrix hw = HostMatrix.zeros(r + 1, 1);
            List<HostMatrix> extra = new ArrayList<>();
            for (long i = 0; i <= r; i++) {
                for (int c = 0; c < width && i < r; c++) {
                    hv.set(i, c, t.get(i, c));
                }
                hw.set(i, 0, t.get(i, width));
            }
            long at = (r + 1) * (width + 1L);
            for (long[] s : shapes) {
                HostMatrix h = HostMatrix.zeros(s[0], s[1]);
                java.lang.foreign.MemorySegment.copy(t.segment(), at * Float.BYTES, h.segment(), 0, s[0] * s[1] * Float.BYTES);
                at += s[0] * s[1];
                extra.add(h);
            }
            return new Contents(m, dim, vocab, hv, hw, List.copyOf(extra));
        }
    }

    /** The "extra" metadata value ({@code 3x4,1x4}) as (rows, cols) pairs; none when absent. */
    private static List<long[]> extraShapes(Path file, String spec) {
        List<long[]> out = new ArrayList<>();
        if (spec == null || spec.isEmpty()) {
            return out;
        }
        for (String s : spec.split(",")) {
            String[] rc = s.split("x");
            try {
                long rows = Long.parseLong(rc[0]);
                long cols = rc.length == 2 ? Long.parseLong(rc[1]) : -1;
                if (rows < 1 || cols < 1 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                out.add(new long[] {rows, cols});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": metadata extra = '" + spec + "': '" + s
                        + "' is not a ROWSxCOLS shape", e);
            }
        }
        return out;
    }

    /** A metadata value that must be a positive int. */
    static int positiveInt(Path file, String key, String value) {
        try {
            int v = Integer.parseInt(String.valueOf(value));
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": metadata " + key + " = '" + value + "' is not a positive integer",
                    e);
        }
    }
}
