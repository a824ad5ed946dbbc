package org.reckernels.ann;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The saved form of an {@link IvfPqIndex} (all numbers big-endian, as DataOutput writes them):
 * <pre>
 *   "RKIVFPQ\0"   8 bytes magic
 *   int32         format version (1)
 *   int32 d, nlist, M, nbits; int32 metric (0 L2, 1 IP); int32 storeVectors (0/1); int64 vector count
 *   float32[nlist*d]          coarse centroids
 *   float32[M*2^nbits*d/M]    PQ codebooks [m][j][t]
 *   per list: int32 size, int64[size] ids, uint8[size*M] codes, float32[size] L2 terms,
 *             float32[size*d] raw vectors (when storeVectors)
 *   int64         CRC-32C of every byte before it
 * </pre>
 * Written like {@link org.reckernels.io.TableFile}: to a temporary file beside the target,
 * forced to disk, then atomically renamed over it, so a failed save never destroys the previous
 * file. Reading checks magic, version, every size against the file length, and the checksum.
 */
final class IndexFile {
    static final int VERSION = 1;
    private static final byte[] MAGIC = "RKIVFPQ\0".getBytes(StandardCharsets.US_ASCII);

    /** Test hook: runs after the temporary file is complete, before the rename (null in production). */
    static volatile java.util.function.Consumer<Path> beforeRename;

    private IndexFile() {
    }

    static void write(Path path, IvfPqIndex ix) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                CRC32C crc = new CRC32C();
                OutputStream raw = Channels.newOutputStream(ch);
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
                out.write(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(ix.d);
                out.writeInt(ix.nlist);
                out.writeInt(ix.m);
                out.writeInt(ix.nbits);
                out.writeInt(ix.metric.ordinal());
                out.writeInt(ix.storeVectors ? 1 : 0);
                long count = 0;
                for (IvfPqIndex.InvList l : ix.lists) {
                    count += l.size;
                }
                out.writeLong(count);
                writeFloats(out, ix.centroids, ix.centroids.length);
                writeFloats(out, ix.pq.codebooks, ix.pq.codebooks.length);
                for (IvfPqIndex.InvList l : ix.lists) {
                    out.writeInt(l.size);
                    ByteBuffer b = ByteBuffer.allocate(l.size * Long.BYTES);
                    b.asLongBuffer().put(l.ids, 0, l.size);
                    out.write(b.array());
                    out.write(l.codes, 0, l.size * ix.m);
                    writeFloats(out, l.terms, l.size);
                    if (ix.storeVectors) {
                        writeFloats(out, l.vectors, l.size * ix.d);
                    }
                }
                out.flush();
                long sum = crc.getValue();
                ByteBuffer tail = ByteBuffer.allocate(8).putLong(sum).flip();
                while (tail.hasRemaining()) {
                    ch.write(tail);
                }
                ch.force(true);
            }
            java.util.function.Consumer<Path> hook = beforeRename;
            if (hook != null) {
                hook.accept(tmp);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] a, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.min(n, 1 << 14) * Float.BYTES);
        for (int i = 0; i < n; ) {
            int c = Math.min(n - i, 1 << 14);
            b.clear();
            b.asFloatBuffer().put(a, i, c);
            out.write(b.array(), 0, c * Float.BYTES);
            i += c;
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] a = new float[n];
        byte[] buf = new byte[Math.min(n, 1 << 14) * Float.BYTES];
        for (int i = 0; i < n; ) {
            int c = Math.min(n - i, 1 << 14);
            in.readFully(buf, 0, c * Float.BYTES);
            ByteBuffer.wrap(buf, 0, c * Float.BYTES).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(a, i, c);
            i += c;
        }
        return a;
    }

    static IvfPqIndex read(Path path) throws IOException {
        long fileSize = Files.size(path);
        if (fileSize < MAGIC.length + 8) {
            throw new IOException(path + ": not an IVF-PQ index file (only " + fileSize + " bytes)");
        }
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(path)) {
            DataInputStream in = new DataInputStream(new CheckedInputStream(new BufferedInputStream(raw, 1 << 16), crc));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(path + ": not an IVF-PQ index file (bad magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException(path + ": IVF-PQ index format version " + version + ", this library reads version " + VERSION);
            }
            int d = in.readInt();
            int nlist = in.readInt();
            int m = in.readInt();
            int nbits = in.readInt();
            int metricOrd = in.readInt();
            int store = in.readInt();
            long count = in.readLong();
            if (d < 1 || nlist < 1 || m < 1 || d % m != 0 || (nbits != 4 && nbits != 8) || metricOrd < 0 || metricOrd > 1
                    || store < 0 || store > 1 || count < 0) {
                throw new IOException(path + ": corrupt header (d=" + d + ", nlist=" + nlist + ", M=" + m + ", nbits="
                        + nbits + ", metric=" + metricOrd + ", count=" + count + ")");
            }
            long perVec = 8L + m + 4 + (store == 1 ? 4L * d : 0);
            long expected = 8 + 4 + 6 * 4 + 8 + 4L * nlist * d + 4L * (1L << nbits) * d + 4L * nlist + count * perVec + 8;
            if (expected != fileSize) {
                throw new IOException(path + ": truncated or corrupt (header says " + count + " vectors, " + expected
                        + " bytes; file has " + fileSize + ")");
            }
            float[] centroids = readFloats(in, nlist * d);
            int ksub = 1 << nbits;
            float[] cb = readFloats(in, ksub * d);
            Metric metric = Metric.values()[metricOrd];
            IvfPqIndex ix = new IvfPqIndex(d, metric, store == 1, centroids, new ProductQuantizer(d, m, nbits, cb));
            long seen = 0;
            for (int li = 0; li < nlist; li++) {
                int size = in.readInt();
                seen += size;
                if (size < 0 || seen > count) {
                    throw new IOException(path + ": corrupt list " + li + " (size " + size + ")");
                }
                byte[] idBytes = new byte[size * Long.BYTES];
                in.readFully(idBytes);
                long[] ids = new long[size];
                ByteBuffer.wrap(idBytes).asLongBuffer().get(ids);
                byte[] codes = new byte[size * m];
                in.readFully(codes);
                float[] terms = readFloats(in, size);
                float[] vecs = store == 1 ? readFloats(in, size * d) : null;
                try {
                    ix.restoreList(li, ids, codes, terms, vecs);
                } catch (IllegalStateException e) {
                    throw new IOException(path + ": corrupt (" + e.getMessage() + ")");
                }
            }
            long computed = crc.getValue();
            long stored = in.readLong(); // through the buffer; the CRC was taken before it
            if (stored != computed) {
                throw new IOException(path + ": checksum mismatch (file corrupt)");
            }
            return ix;
        } catch (EOFException e) {
            throw new IOException(path + ": truncated", e);
        }
    }
}
