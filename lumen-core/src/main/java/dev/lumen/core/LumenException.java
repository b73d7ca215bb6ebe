package dev.lumen.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A file or model Lumen cannot use: unreadable, corrupt, of the wrong shape, or built from
 * constructs Lumen does not handle. The message names the file (or model) and the problem.
 *
 * <p>Caller mistakes in arguments are {@link IllegalArgumentException}s instead; the command line
 * maps this type to exit code 3.
 */
public class LumenException extends RuntimeException {
  private final transient Path file;

  /** A problem with {@code file}; the message is prefixed with the file's path as given. */
  public LumenException(Path file, String problem) {
    this(file, problem, null);
  }

  /** A problem with {@code file} caused by {@code cause}. */
  public LumenException(Path file, String problem, Throwable cause) {
    super(file == null ? problem : file + ": " + problem, cause);
    this.file = file;
  }

  /** A problem not tied to one file. */
  public LumenException(String problem) {
    this(null, problem, null);
  }

  /** The file the problem is in, when there is one. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }
}
