package dev.lumen.app.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Folder operations the writers share. */
public final class Folders {
  private Folders() {}

  /** Deletes {@code root} and everything below it; nothing when it does not exist. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Deletes what a killed run left anywhere under {@code dir}: the hidden names holding
   * {@code .partial} that {@code AtomicFiles} and the writers give files and folders until they are whole.
   */
  public static void removeLeftovers(Path dir) throws IOException {
    List<Path> found;
    try (Stream<Path> walk = Files.walk(dir)) {
      found = walk.filter(p -> {
        String name = p.getFileName().toString();
        return name.startsWith(".") && name.contains(".partial");
      }).toList();
    }
    for (Path p : found) {
      deleteTree(p);
    }
  }
}
