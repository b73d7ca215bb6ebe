package dev.lumen.core.io;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;

/**
 * Writes files whole or not at all: the content goes to a hidden temporary file beside the
 * target, which is renamed over it once complete. A reader, or a run stopped halfway, sees the
 * previous file or the new one, never part of one; a failed write leaves no temporary file.
 * Missing parent folders are created.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** What writes a file's content. */
  @FunctionalInterface
  public interface Content {
    /** Writes the content to {@code out}. */
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code content} to {@code file}. */
  public static void write(Path file, Content content) throws IOException {
    Path target = file.toAbsolutePath();
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".partial");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
        content.writeTo(out);
      }
      move(tmp, target);
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** Writes {@code bytes} to {@code file}. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, out -> out.write(bytes));
  }

  /** Writes {@code picture} to {@code file} as PNG. */
  public static void writePng(Path file, BufferedImage picture) throws IOException {
    write(file, out -> {
      if (!ImageIO.write(picture, "png", out)) {
        throw new IOException("no PNG writer for this picture");
      }
    });
  }

  /** Writes {@code text} to {@code file} as UTF-8. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
