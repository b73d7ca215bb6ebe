package dev.lumen.core.metrics;

import dev.lumen.core.postprocess.Otsu;
import java.util.function.IntPredicate;

/**
 * How well a heat map agrees with a finding's mask (both the image's size, the mask non-zero on
 * the finding): the scores of explanation benchmarks.
 */
public final class MapAgreement {
  private MapAgreement() {}

  /**
   * The pointing game (Zhang et al., "Top-down neural attention by excitation backprop", 2016):
   * whether the map's maximum (the first in row-major order) lies within {@code tolerance}
   * pixels of the finding, on maps {@code width} pixels wide. The original uses 15 pixels at
   * 224 × 224; {@link #pointingTolerance} scales that to other sizes.
   */
  public static boolean pointingHit(float[] heat, float[] mask, int width, double tolerance) {
    return distanceFromPeak(heat, mask, width) <= tolerance;
  }

  /**
   * The pointing game on a volume's map, slice by slice {@code width × height}: whether its
   * maximum lies within {@code tolerance} voxels (in three dimensions) of the finding.
   */
  public static boolean pointingHit(float[] heat, float[] mask, int width, int height, double tolerance) {
    return distanceFromPeak(heat, mask, width, height) <= tolerance;
  }

  /**
   * How far, in pixels, the map's maximum (the first in row-major order) lies from the nearest
   * pixel of the region: 0 on it, infinite for an empty region. Which of two regions a map
   * points nearer to says where it looks even when its peak misses both, as coarse maps do.
   */
  public static double distanceFromPeak(float[] heat, float[] mask, int width) {
    return distanceFromPeak(heat, mask, width, heat.length / width);
  }

  /** {@link #distanceFromPeak(float[], float[], int)} on a volume's map, slice by slice {@code width × height}. */
  public static double distanceFromPeak(float[] heat, float[] mask, int width, int height) {
    check(heat, mask);
    int best = 0;
    for (int i = 1; i < heat.length; i++) {
      best = heat[i] > heat[best] ? i : best;
    }
    int plane = width * height;
    int bx = best % width;
    int by = best % plane / width;
    int bz = best / plane;
    double nearest = Double.POSITIVE_INFINITY;
    for (int i = 0; i < mask.length; i++) {
      if (mask[i] != 0) {
        int dx = i % width - bx;
        int dy = i % plane / width - by;
        int dz = i / plane - bz;
        nearest = Math.min(nearest, Math.sqrt((double) dx * dx + (double) dy * dy + (double) dz * dz));
      }
    }
    return nearest;
  }

  /** The pointing game's 15 pixels at 224, scaled to a map whose longer side is {@code side}. */
  public static double pointingTolerance(int side) {
    return 15.0 * side / 224;
  }

  /**
   * The share of the map's (non-negative) energy that lies on the finding; 0 for an empty map.
   * This is Arras et al.'s relevance mass accuracy.
   */
  public static double energyInside(float[] heat, float[] mask) {
    check(heat, mask);
    double inside = 0;
    double total = 0;
    for (int i = 0; i < heat.length; i++) {
      double v = Math.max(heat[i], 0);
      total += v;
      inside += mask[i] != 0 ? v : 0;
    }
    return total == 0 ? 0 : inside / total;
  }

  /**
   * Relevance rank accuracy (Arras, Osman &amp; Samek, "CLEVR-XAI", Information Fusion 2022): of
   * the {@code K} pixels the map ranks highest, {@code K} the finding's size, the share that lies
   * on the finding (ties in pixel order); 0 for an empty finding. Relevance mass accuracy, their
   * other measure, is {@link #energyInside}.
   */
  public static double relevanceRank(float[] heat, float[] mask) {
    check(heat, mask);
    int k = 0;
    for (float m : mask) {
      k += m != 0 ? 1 : 0;
    }
    if (k == 0) {
      return 0;
    }
    int[] top = java.util.stream.IntStream.range(0, heat.length).boxed()
        .sorted(java.util.Comparator.comparingDouble(i -> -heat[i])).limit(k).mapToInt(Integer::intValue).toArray();
    int inside = 0;
    for (int i : top) {
      inside += mask[i] != 0 ? 1 : 0;
    }
    return (double) inside / k;
  }

  /** Intersection over union of the region where the map is at or above {@code threshold} and the finding. */
  public static double iou(float[] heat, float[] mask, double threshold) {
    check(heat, mask);
    return iou(mask, i -> heat[i] >= threshold);
  }

  /**
   * CheXlocalize's IoU (Saporta et al. 2022): of the segmentation {@link Otsu} cuts from the map
   * and the finding.
   */
  public static double otsuIou(float[] heat, float[] mask) {
    check(heat, mask);
    int t = Otsu.threshold(heat);
    return iou(mask, i -> Otsu.level(heat[i]) > t);
  }

  /** IoU of the pixels {@code segmented} and the finding; 0 when both are empty. */
  private static double iou(float[] mask, IntPredicate segmented) {
    int intersection = 0;
    int union = 0;
    for (int i = 0; i < mask.length; i++) {
      boolean a = segmented.test(i);
      boolean b = mask[i] != 0;
      intersection += a && b ? 1 : 0;
      union += a || b ? 1 : 0;
    }
    return union == 0 ? 0 : (double) intersection / union;
  }

  private static void check(float[] heat, float[] mask) {
    if (heat.length != mask.length || heat.length == 0) {
      throw new IllegalArgumentException("map and mask differ in size: " + heat.length + " and " + mask.length);
    }
  }
}
