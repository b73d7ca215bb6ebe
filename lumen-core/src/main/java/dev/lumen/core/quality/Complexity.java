package dev.lumen.core.quality;

/**
 * How concentrated a map is, on the absolute values of its elements: the measures Quantus calls
 * complexity. A map that explains with few pixels is easier to read; these say how few.
 */
public final class Complexity {
  private Complexity() {}

  /**
   * Sparseness (Chalasani et al., ICML 2020): the Gini index of the absolute values,
   * {@code sum_i (2i - n - 1) a_(i) / (n sum_i a_i)} over the values sorted ascending (i from 1):
   * 0 when every element is equal, approaching 1 when one element holds everything; 0 for an
   * all-zero map.
   */
  public static double sparseness(float[] map) {
    double[] a = absolute(map);
    java.util.Arrays.sort(a);
    double total = 0;
    double weighted = 0;
    int n = a.length;
    for (int i = 0; i < n; i++) {
      total += a[i];
      weighted += (2.0 * (i + 1) - n - 1) * a[i];
    }
    return total == 0 ? 0 : weighted / (n * total);
  }

  /**
   * Complexity (Bhatt et al., IJCAI 2020): the Shannon entropy (natural logarithm) of the
   * absolute values as a distribution, {@code -sum_i p_i ln p_i} with {@code p_i = |a_i| / sum |a|}:
   * 0 when one element holds everything, {@code ln n} when all are equal; 0 for an all-zero map.
   */
  public static double entropy(float[] map) {
    double[] a = absolute(map);
    double total = 0;
    for (double v : a) {
      total += v;
    }
    if (total == 0) {
      return 0;
    }
    double h = 0;
    for (double v : a) {
      if (v > 0) {
        double p = v / total;
        h -= p * Math.log(p);
      }
    }
    return h;
  }

  private static double[] absolute(float[] map) {
    if (map.length == 0) {
      throw new IllegalArgumentException("an empty map has no complexity");
    }
    double[] a = new double[map.length];
    for (int i = 0; i < map.length; i++) {
      if (!Float.isFinite(map[i])) {
        throw new IllegalArgumentException("map holds a non-finite value (" + map[i] + ")");
      }
      a[i] = Math.abs(map[i]);
    }
    return a;
  }
}
