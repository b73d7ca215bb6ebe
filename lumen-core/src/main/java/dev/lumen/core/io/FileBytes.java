package dev.lumen.core.io;

import dev.lumen.core.LumenException;
import dev.lumen.core.MemoryBudget;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads whole files with the error messages every Lumen reader gives. */
public final class FileBytes {
  /** The largest file read whole: the largest Java array. */
  public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  private FileBytes() {}

  /**
   * The file's bytes.
   *
   * @throws LumenException naming the file when it is missing, unreadable, or larger than a
   *     Java array or the free heap
   */
  public static byte[] read(Path file) {
    if (Files.isDirectory(file)) {
      throw new LumenException(file, "is a folder, not a file");
    }
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new LumenException(file, "is " + size + " bytes; Lumen reads files of at most " + MAX_BYTES + " bytes");
      }
      MemoryBudget.require(file, size, "reading " + size + " bytes");
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new LumenException(file, "no such file");
    } catch (AccessDeniedException e) {
      throw new LumenException(file, "cannot be read: permission denied", e);
    } catch (IOException e) {
      throw new LumenException(file, "cannot be read (" + (e instanceof FileSystemException fs && fs.getReason() != null
          ? fs.getReason() : e.getClass().getSimpleName()) + ")", e);
    }
  }
}
