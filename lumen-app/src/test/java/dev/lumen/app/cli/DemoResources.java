package dev.lumen.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped demo files (models, cards, studies), copied out of the jar for a test. */
final class DemoResources {
  private DemoResources() {}

  /** Copies the demo resource {@code name} into {@code dir}; returns the copy. */
  static Path copy(String name, Path dir) throws IOException {
    try (InputStream in = DemoResources.class.getResourceAsStream("/dev/lumen/app/demo/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no demo resource " + name);
      }
      Path target = dir.resolve(name);
      Files.copy(in, target);
      return target;
    }
  }
}
