package dev.lumen.core.postprocess;

/**
 * Otsu's threshold (IEEE SMC 1979) of a heat map, as CheXlocalize (Saporta et al., Nature Machine
 * Intelligence 2022) turns saliency maps into segmentations: the map's values in [0, 1] become
 * 8-bit levels ({@code floor(255 v)}), and the threshold is the level {@code t} that maximises
 * the between-class variance of the levels at or below it and those above; the segmentation is
 * the pixels above {@code t}. Ties go to the lowest level, as in scikit-image.
 */
public final class Otsu {
  private Otsu() {}

  /** The 8-bit level of a map value in [0, 1]. */
  public static int level(float value) {
    return (int) (Math.max(0, Math.min(1, value)) * 255);
  }

  /** The threshold level of {@code heat}; the top level when the map is constant (an empty segmentation). */
  public static int threshold(float[] heat) {
    long[] histogram = new long[256];
    for (float v : heat) {
      histogram[level(v)]++;
    }
    int low = 0;
    while (histogram[low] == 0) {
      low++;
    }
    int high = 255;
    while (histogram[high] == 0) {
      high--;
    }
    if (low == high) {
      return low;
    }
    double total = heat.length;
    double sumAll = 0;
    for (int t = low; t <= high; t++) {
      sumAll += (double) t * histogram[t];
    }
    double below = 0;
    double sumBelow = 0;
    double best = -1;
    int threshold = low;
    for (int t = low; t < high; t++) {
      below += histogram[t];
      sumBelow += (double) t * histogram[t];
      double above = total - below;
      double difference = sumBelow / below - (sumAll - sumBelow) / above;
      double variance = below * above * difference * difference;
      if (variance > best) {
        best = variance;
        threshold = t;
      }
    }
    return threshold;
  }
}
