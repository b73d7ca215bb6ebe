package dev.lumen.app.service;

import dev.lumen.core.LumenException;
import dev.lumen.core.dicom.DicomSeries;
import dev.lumen.core.image.Volume;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A DICOM series uploaded as one ZIP archive of its files (in any folders, any names): unpacked
 * into a temporary folder that {@link DicomSeries} reads as it reads a series folder — grouped,
 * ordered by position, checked — and deleted again. Entries keep their base names (prefixed by
 * their place in the archive, so two folders' equal names stay apart) for the reader's messages;
 * folders in the archive are flattened, so no entry can be written outside the folder, and the
 * unpacked size is bounded so an archive that inflates without end is refused.
 */
public final class SeriesArchive {
  /** The most an archive may unpack to, and the most files it may hold. */
  private static final long MAX_BYTES = 4L << 30;
  private static final int MAX_FILES = 100_000;

  private SeriesArchive() {}

  /**
   * The series in the archive {@code bytes}, named {@code name} in messages.
   *
   * @throws LumenException naming the archive when it is corrupt, too large, or not one series
   */
  public static Volume read(String name, byte[] bytes) {
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      return read(name, in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The series in the archive {@code file}. */
  public static Volume read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(file.getFileName().toString(), in);
    } catch (IOException e) {
      throw new LumenException(file, "cannot be read: " + e.getMessage(), e);
    }
  }

  private static Volume read(String name, InputStream archive) throws IOException {
    Path folder = Files.createTempDirectory("lumen-series");
    try {
      unpack(name, archive, folder);
      try {
        return DicomSeries.read(folder).volume();
      } catch (LumenException e) {
        throw new LumenException(e.getMessage().replace(folder.toString(), name));
      }
    } finally {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void unpack(String name, InputStream archive, Path folder) throws IOException {
    eachFile(name, archive, (file, data) -> {
      try (OutputStream out = Files.newOutputStream(folder.resolve(file))) {
        data.transferTo(out);
      }
    });
  }

  /** What is done with each file of an archive: its flattened name and its bytes. */
  @FunctionalInterface
  public interface FileVisitor {
    void visit(String file, InputStream data) throws IOException;
  }

  /** Visits each file of the stored archive {@code file} in archive order, as it is unpacked for reading. */
  public static void eachFile(Path file, FileVisitor visitor) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      eachFile(file.getFileName().toString(), in, visitor);
    }
  }

  private static void eachFile(String name, InputStream archive, FileVisitor visitor) throws IOException {
    long[] total = {0};
    int count = 0;
    try (ZipInputStream zip = new ZipInputStream(archive)) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (entry.isDirectory()) {
          continue;
        }
        if (++count > MAX_FILES) {
          throw new LumenException(Path.of(name), "holds more than " + MAX_FILES + " files; a series archive holds one "
              + "series");
        }
        String base = Path.of(entry.getName().replace('\\', '/')).getFileName().toString();
        visitor.visit(String.format("%06d-%s", count, base), bounded(zip, total, name));
      }
    } catch (ZipException e) {
      throw new LumenException(Path.of(name), "is not a readable ZIP archive: " + e.getMessage(), e);
    }
    if (count == 0) {
      throw new LumenException(Path.of(name), "is a ZIP archive with no files; upload a DICOM series' files zipped");
    }
  }

  /** The current entry of {@code zip}, counting into {@code total} and failing past {@link #MAX_BYTES}. */
  private static InputStream bounded(ZipInputStream zip, long[] total, String name) {
    return new java.io.FilterInputStream(zip) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        total[0] += Math.max(n, 0);
        if (total[0] > MAX_BYTES) {
          throw new LumenException(Path.of(name), "unpacks to more than " + (MAX_BYTES >> 30) + " GiB");
        }
        return n;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public void close() {
        // the archive stays open for its next entry
      }
    };
  }
}
