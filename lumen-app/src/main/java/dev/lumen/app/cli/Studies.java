package dev.lumen.app.cli;

import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import java.nio.file.Path;
import java.util.List;

/** Reads the study files named on the command line, as the model takes them. */
final class Studies {
  private Studies() {}

  /** Whether {@code file} holds a volume (a NumPy array) rather than a 2D image. */
  static boolean isVolume(Path file) {
    return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy");
  }

  /** Reads 2D images. */
  static List<Image> images(List<Path> files) {
    return files.stream().map(Images::read).toList();
  }

  /** Reads one exam. */
  static Volume volume(Path file) {
    return Images.readStudy(file);
  }
}
