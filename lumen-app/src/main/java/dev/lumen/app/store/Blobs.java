package dev.lumen.app.store;

import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.Hashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files named by the SHA-256 of their content under {@code DATA/blobs/ab/abcdef...}: the same
 * bytes are stored once, and a file is written to a temporary name and renamed, so a blob is
 * whole or absent. Rows that name a blob are committed after it is in place.
 */
public final class Blobs {
  private final Path root;

  /** The blob store under {@code root}. */
  public Blobs(Path root) {
    this.root = root;
  }

  /** Stores {@code bytes} (once) and returns their hash. */
  public String put(byte[] bytes) throws IOException {
    String hash = Hashes.sha256(bytes);
    Path file = file(hash);
    if (!Files.isRegularFile(file)) {
      AtomicFiles.write(file, bytes);
    }
    return hash;
  }

  /** The file of blob {@code hash}, when it is there. */
  public Optional<Path> path(String hash) {
    if (!hash.matches("[0-9a-f]{64}")) {
      return Optional.empty();
    }
    Path file = file(hash);
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  /**
   * Deletes every file under the store that {@code keep} does not name — blobs whose rows were
   * never committed and temporary files of writes cut short — and returns how many.
   */
  public int sweep(Set<String> keep) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    List<Path> unused;
    try (Stream<Path> files = Files.walk(root, 2)) {
      unused = files.filter(Files::isRegularFile).filter(f -> !keep.contains(f.getFileName().toString())).toList();
    }
    for (Path f : unused) {
      Files.deleteIfExists(f);
    }
    return unused.size();
  }

  private Path file(String hash) {
    return root.resolve(hash.substring(0, 2)).resolve(hash);
  }
}
