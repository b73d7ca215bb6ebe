package dev.lumen.app.cli;

import dev.lumen.core.LumenException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on where a command writes, made before any work starts. */
final class OutputPaths {
  private OutputPaths() {}

  /**
   * Fails, before any work, unless {@code out} (a file to write; null for none) can be created:
   * its nearest existing ancestor must be a writable folder, and {@code out} itself no folder.
   *
   * @throws LumenException naming the path that is in the way
   */
  static void requireWritableFile(Path out) {
    if (out == null) {
      return;
    }
    if (Files.isDirectory(out)) {
      throw new LumenException(out, "is a folder; give a file name");
    }
    requireCreatable(out);
  }

  /**
   * Fails, before any work, unless the folder {@code out} exists or can be created (its nearest
   * existing ancestor a writable folder).
   *
   * @throws LumenException naming the path that is in the way
   */
  static void requireWritableFolder(Path out) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new LumenException(out, "is a file; give a folder");
    }
    requireCreatable(out);
  }

  private static void requireCreatable(Path out) {
    Path ancestor = out.toAbsolutePath().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor != null && !Files.isDirectory(ancestor)) {
      throw new LumenException(ancestor, "exists and is not a folder, so " + out + " cannot be written");
    }
    if (ancestor != null && !Files.isWritable(ancestor)) {
      throw new LumenException(ancestor, "is not writable, so " + out + " cannot be written");
    }
  }

  /**
   * Fails when {@code out} is {@code input} (by path or as the same file), so that writing the
   * result cannot destroy what it was made from.
   */
  static void requireNotInput(Path out, Path input) throws IOException {
    boolean same = out.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())
        || Files.exists(out) && Files.exists(input) && Files.isSameFile(out, input);
    if (same) {
      throw new IllegalArgumentException("-o " + out + " is the input model " + input
          + "; write the result to another file");
    }
  }
}
