package org.reckernels.ann;

/**
 * Where an index's memory goes: per-vector payload (PQ codes, ids, the stored L2 term, raw
 * vectors kept for exact re-rank, the fast-scan copy of 4-bit codes) and the fixed part
 * (coarse centroids, PQ codebooks). {@link #bytesPerVector} counts the per-vector payload only.
 */
public record MemoryReport(long vectors, long codeBytes, long idBytes, long termBytes, long rawVectorBytes,
                           long fastScanBytes, long fixedBytes) {
    public long totalBytes() {
        return codeBytes + idBytes + termBytes + rawVectorBytes + fastScanBytes + fixedBytes;
    }

    public double bytesPerVector() {
        return vectors == 0 ? 0 : (double) (codeBytes + idBytes + termBytes + rawVectorBytes + fastScanBytes) / vectors;
    }

    @Override
    public String toString() {
        return String.format("%,d vectors: %.1f bytes/vector (codes %,d B, ids %,d B, terms %,d B, raw %,d B,"
                        + " fast-scan %,d B), fixed %,d B, total %,d B", vectors, bytesPerVector(), codeBytes, idBytes,
                termBytes, rawVectorBytes, fastScanBytes, fixedBytes, totalBytes());
    }
}
