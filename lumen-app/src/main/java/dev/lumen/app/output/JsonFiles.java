package dev.lumen.app.output;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.LumenException;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.FileBytes;
import dev.lumen.core.io.JsonErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Reports and manifests as pretty-printed JSON files. */
public final class JsonFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFiles() {}

  /**
   * Reads a JSON object that Lumen wrote.
   *
   * @throws LumenException naming the file when it is not a JSON object
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(Path file) {
    try {
      Object value = JSON.readValue(FileBytes.read(file), Object.class);
      if (value instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
    } catch (JacksonException e) {
      throw new LumenException(file, "not valid JSON at " + JsonErrors.where(e), e);
    } catch (IOException e) {
      throw new LumenException(file, "cannot read: " + e.getMessage(), e);
    }
    throw new LumenException(file, "not a JSON object");
  }

  /**
   * Writes {@code value} to {@code file} through a temporary file moved into place, so that a
   * reader (or a run stopped halfway) sees the previous complete file or the new one, never half.
   */
  public static void write(Path file, Object value) throws IOException {
    AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, value));
  }
}
