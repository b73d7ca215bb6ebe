package dev.lumen.core.quality;

import dev.lumen.core.image.Image;
import java.util.Comparator;
import java.util.stream.IntStream;

/** The order in which the perturbation measures take a map's pixels. */
final class RelevanceOrder {
  private RelevanceOrder() {}

  /**
   * The pixel indices of {@code heat} by decreasing value, ties in pixel order so that every run
   * perturbs alike.
   */
  static int[] decreasing(float[] heat, Image image) {
    require(heat, image);
    return IntStream.range(0, heat.length).boxed().sorted(Comparator.comparingDouble(i -> -heat[i]))
        .mapToInt(Integer::intValue).toArray();
  }

  /**
   * Checks that {@code heat} is a finite map in the geometry of {@code image}.
   *
   * @throws IllegalArgumentException when it is not
   */
  static void require(float[] heat, Image image) {
    int plane = image.width() * image.height();
    if (heat.length != plane) {
      throw new IllegalArgumentException("the map has " + heat.length + " values, the study " + plane + " pixels");
    }
    for (float v : heat) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("the map of " + image.source() + " has a value that is not finite");
      }
    }
  }
}
