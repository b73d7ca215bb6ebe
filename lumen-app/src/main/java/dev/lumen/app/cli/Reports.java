package dev.lumen.app.cli;

import dev.lumen.app.output.JsonFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The JSON reports of the commands that take {@code --json FILE}. */
final class Reports {
  private Reports() {}

  /**
   * Writes {@code report} to {@code file}, or nothing when no file was asked for. Long commands
   * call it whenever the report grows, so that a run stopped halfway keeps what it measured.
   */
  static void writeJson(Path file, Object report) {
    if (file == null) {
      return;
    }
    try {
      JsonFiles.write(file, report);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
