package dev.lumen.app.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reports and manifests as pretty-printed JSON files. */
public final class JsonFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFiles() {}

  /**
   * Writes {@code value} to {@code file} through a temporary file moved into place, so that a
   * reader (or a run stopped halfway) sees the previous complete file or the new one, never half.
   */
  public static void write(Path file, Object value) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
