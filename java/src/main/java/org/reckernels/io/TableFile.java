package org.reckernels.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.reckernels.tensor.HostMatrix;

/**
 * A saved float32 table (model parameters, embeddings) with its metadata:
 * <pre>
 *   "RKTABLE\0"  8 bytes magic
 *   int32        format version (1)
 *   int32        metadata length L, then L bytes UTF-8 "key=value\n" lines
 *   int64 rows, int64 cols, then rows·cols float32, little-endian, row-major
 *   int64        CRC-32C of every byte before it
 * </pre>
 * Written to a temporary file beside the target, forced to disk, then renamed over the target,
 * so a failed save never destroys the previous file. Reading checks magic, version, sizes and
 * checksum and names the file and the problem.
 */
public final class TableFile {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "RKTABLE\0".getBytes(StandardCharsets.US_ASCII);

    private TableFile() {
    }

    /** A loaded table and its metadata; the caller closes the table. */
    public record Loaded(Map<String, String> metadata, HostMatrix table) {
    }

    public static void write(Path path, Map<String, String> metadata, HostMatrix table) throws IOException {
        StringBuilder meta = new StringBuilder();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().contains("=") || e.getKey().contains("\n") || e.getValue().contains("\n")) {
                throw new IllegalArgumentException("TableFile: metadata entry '" + e.getKey() + "' may not contain '=' in the key or newlines");
            }
            meta.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        byte[] metaBytes = meta.toString().getBytes(StandardCharsets.UTF_8);
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            CRC32C crc = new CRC32C();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = le(ByteBuffer.allocate(8 + 4 + 4 + metaBytes.length + 16));
                head.put(MAGIC).putInt(VERSION).putInt(metaBytes.length).put(metaBytes).putLong(table.rows()).putLong(table.cols());
                writeAll(ch, head.flip(), crc);
                ByteBuffer body = table.segment().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                writeAll(ch, body, crc);
                writeAll(ch, le(ByteBuffer.allocate(8)).putLong(crc.getValue()).flip(), null);
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Loaded read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            CRC32C crc = new CRC32C();
            ByteBuffer head = readExactly(ch, 16, path, "header", crc);
            byte[] magic = new byte[8];
            head.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(path + ": not a reckernels table file (bad magic)");
            }
            int version = head.getInt();
            if (version != VERSION) {
                throw new IOException(path + ": table format version " + version + ", this library reads version " + VERSION);
            }
            int metaLen = head.getInt();
            if (metaLen < 0 || metaLen > size) {
                throw new IOException(path + ": corrupt header (metadata length " + metaLen + ")");
            }
            String meta = StandardCharsets.UTF_8.decode(readExactly(ch, metaLen, path, "metadata", crc)).toString();
            ByteBuffer shape = readExactly(ch, 16, path, "shape", crc);
            long rows = shape.getLong();
            long cols = shape.getLong();
            long expected = 16L + metaLen + 16 + rows * cols * Float.BYTES + 8;
            if (rows < 0 || cols < 0 || expected != size) {
                throw new IOException(path + ": truncated or corrupt (shape " + rows + "x" + cols + " needs " + expected
                        + " bytes, file has " + size + ")");
            }
            HostMatrix table = HostMatrix.zeros(rows, cols);
            try {
                ByteBuffer body = table.segment().asByteBuffer();
                while (body.hasRemaining()) {
                    if (ch.read(body) < 0) {
                        throw new IOException(path + ": truncated in the table data");
                    }
                }
                crc.update(table.segment().asByteBuffer());
                long stored = readExactly(ch, 8, path, "checksum", null).getLong();
                if (stored != crc.getValue()) {
                    throw new IOException(path + ": checksum mismatch (file corrupt)");
                }
                Map<String, String> metadata = new LinkedHashMap<>();
                for (String line : meta.split("\n")) {
                    int eq = line.indexOf('=');
                    if (eq > 0) {
                        metadata.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
                return new Loaded(metadata, table);
            } catch (IOException | RuntimeException e) {
                table.close();
                throw e;
            }
        }
    }

    private static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void writeAll(FileChannel ch, ByteBuffer b, CRC32C crc) throws IOException {
        if (crc != null) {
            crc.update(b.duplicate());
        }
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static ByteBuffer readExactly(FileChannel ch, int n, Path path, String what, CRC32C crc) throws IOException {
        ByteBuffer b = le(ByteBuffer.allocate(n));
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException(path + ": truncated in the " + what);
            }
        }
        b.flip();
        if (crc != null) {
            crc.update(b.duplicate());
        }
        return b;
    }

}
