package org.reckernels.data.ctr;

import java.util.List;

/**
 * The frozen key → id maps of every field that a load built; pass it to {@link CtrLoader#load(java.nio.file.Path,
 * CtrLoadOptions, CtrEncoding)} to encode a test file with the training file's ids (unseen keys become OOV,
 * fields past the training field count are bad lines).
 */
public record CtrEncoding(CtrFormat format, List<FieldEncoder> encoders) {
    public CtrEncoding {
        encoders = List.copyOf(encoders);
    }

    public int fields() {
        return encoders.size();
    }

    public int[] vocab() {
        return encoders.stream().mapToInt(FieldEncoder::size).toArray();
    }
}
