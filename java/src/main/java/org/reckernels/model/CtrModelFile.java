package org.reckernels.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reckernels.backend.Backend;
import org.reckernels.io.TableFile;
import org.reckernels.tensor.HostMatrix;
import org.reckernels.tensor.Matrix;

/**
 * The file layout of the one-hot CTR models (FM, FFM): one checksummed table (R + 1) x (width + 1),
 * row r holding the embedding row V[r] (width floats) then the linear weight w[r]; the last row
 * holds zeros then the bias. Metadata: model, dim, vocab (per-field row counts) and the model's own
 * extras. R = Σ vocab; width = d for the FM, F·d for the FFM.
 */
final class CtrModelFile {
    private CtrModelFile() {
    }

    /** What {@link #read} found: the metadata, d, the vocabulary, and V (R x width) and w (R + 1 x 1) on the host. */
    record Contents(Map<String, String> metadata, int dim, int[] vocab, HostMatrix v, HostMatrix w) implements AutoCloseable {
        @Override
        public void close() {
            v.close();
            w.close();
        }
    }

    /** Writes V (R x width) and w (R + 1 x 1) from {@code backend} with {@code model}, dim, vocab and {@code extra}. */
    static void write(Backend backend, Path file, String model, int dim, int[] vocab, Matrix v, Matrix w,
                      Map<String, String> extra) throws IOException {
        long r = v.rows();
        long width = v.cols();
        try (HostMatrix hv = HostMatrix.zeros(r, width); HostMatrix hw = HostMatrix.zeros(r + 1, 1);
             HostMatrix t = HostMatrix.zeros(r + 1, width + 1)) {
            backend.download(v, hv);
            backend.download(w, hw);
            for (long i = 0; i <= r; i++) {
                for (long c = 0; c < width && i < r; c++) {
                    t.set(i, c, hv.get(i, c));
                }
                t.set(i, width, hw.get(i, 0));
            }
            Map<String, String> meta = new LinkedHashMap<>(extra);
            meta.put("model", model);
            meta.put("dim", Integer.toString(dim));
            meta.put("vocab", Arrays.toString(vocab).replaceAll("[\\[\\] ]", ""));
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
            int dim = Integer.parseInt(m.get("dim"));
            int[] vocab = Arrays.stream(m.get("vocab").split(",")).mapToInt(Integer::parseInt).toArray();
            long r = Arrays.stream(vocab).asLongStream().sum();
            int width = widthPerField ? vocab.length * dim : dim;
            if (t.rows() != r + 1 || t.cols() != width + 1L) {
                throw new IllegalArgumentException(file + ": table is " + t.shape() + ", metadata implies " + (r + 1) + "x"
                        + (width + 1));
            }
            HostMatrix hv = HostMatrix.zeros(r, width);
            HostMatrix hw = HostMatrix.zeros(r + 1, 1);
            for (long i = 0; i <= r; i++) {
                for (int c = 0; c < width && i < r; c++) {
                    hv.set(i, c, t.get(i, c));
                }
                hw.set(i, 0, t.get(i, width));
            }
            return new Contents(m, dim, vocab, hv, hw);
        }
    }
}
