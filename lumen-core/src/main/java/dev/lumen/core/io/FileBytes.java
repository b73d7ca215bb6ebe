package dev.lumen.core.io;

import dev.lumen.core.LumenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads whole files with the error messages every Lumen reader gives. */
public final class FileBytes {
  private FileBytes() {}

  /**
   * The file's bytes.
   *
   * @throws LumenException naming the file when it is missing or unreadable
   */
  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new LumenException(file, "no such file");
    } catch (IOException e) {
      throw new LumenException(file, "cannot read: " + e.getMessage(), e);
    }
  }
}
