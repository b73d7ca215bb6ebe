package dev.lumen.core.quality;

import java.util.Comparator;
import java.util.stream.IntStream;

/** The order in which the perturbation measures take a map's voxels (an image's pixels). */
final class RelevanceOrder {
  private RelevanceOrder() {}

  /**
   * The voxel indices of {@code heat} by decreasing value, ties in voxel order so that every run
   * perturbs alike.
   */
  static int[] decreasing(float[] heat, Voxels study) {
    require(heat, study);
    return IntStream.range(0, heat.length).boxed().sorted(Comparator.comparingDouble(i -> -heat[i]))
        .mapToInt(Integer::intValue).toArray();
  }

  /**
   * Checks that {@code heat} is a finite map in the geometry of {@code study}.
   *
   * @throws IllegalArgumentException when it is not
   */
  static void require(float[] heat, Voxels study) {
    if (heat.length != study.size()) {
      throw new IllegalArgumentException("the map has " + heat.length + " values, the study " + study.size()
          + (study.depth() == 1 ? " pixels" : " voxels"));
    }
    for (float v : heat) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("the map of " + study.source() + " has a value that is not finite");
      }
    }
  }
}
