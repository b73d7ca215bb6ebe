package dev.lumen.core.quality;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * How alike two maps of one study are — the similarities Adebayo et al.'s sanity checks compare
 * an explanation with the explanation of a randomised model by.
 */
public final class MapSimilarity {
  private MapSimilarity() {}

  /** Spearman's rank correlation of {@code a} and {@code b} (tied values share their mean rank); 0 when either is constant. */
  public static double spearman(float[] a, float[] b) {
    check(a, b);
    return pearson(ranks(a), ranks(b));
  }

  /** Spearman's rank correlation of the absolute values, as Adebayo et al. report it for signed maps. */
  public static double spearmanOfAbsolute(float[] a, float[] b) {
    return spearman(absolute(a), absolute(b));
  }

  /**
   * The structural similarity index (Wang et al., IEEE TIP 2004) of two {@code width}-wide maps
   * with values in [0, 1], with scikit-image's defaults as Adebayo et al. used them: 7 × 7 uniform
   * windows over the positions where they fit, sample covariances, {@code K1 = 0.01},
   * {@code K2 = 0.03}, data range 1; the mean over the windows.
   */
  public static double ssim(float[] a, float[] b, int width) {
    check(a, b);
    int height = a.length / width;
    int win = 7;
    if (width < win || height < win) {
      throw new IllegalArgumentException("SSIM needs maps of at least 7 x 7, got " + width + "x" + height);
    }
    double c1 = Math.pow(0.01, 2);
    double c2 = Math.pow(0.03, 2);
    int n = win * win;
    double correction = n / (n - 1.0);
    double total = 0;
    int count = 0;
    for (int y = 0; y + win <= height; y++) {
      for (int x = 0; x + win <= width; x++) {
        double ma = 0;
        double mb = 0;
        double aa = 0;
        double bb = 0;
        double ab = 0;
        for (int dy = 0; dy < win; dy++) {
          for (int dx = 0; dx < win; dx++) {
            int i = (y + dy) * width + x + dx;
            ma += a[i];
            mb += b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
            ab += (double) a[i] * b[i];
          }
        }
        ma /= n;
        mb /= n;
        double va = (aa / n - ma * ma) * correction;
        double vb = (bb / n - mb * mb) * correction;
        double cov = (ab / n - ma * mb) * correction;
        total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        count++;
      }
    }
    return total / count;
  }

  /**
   * The HOG similarity of Adebayo et al.: Pearson's correlation of the two {@code width}-wide
   * maps' histograms of oriented gradients ({@link HogDescriptor}); 0 when either has no edges.
   */
  public static double hog(float[] a, float[] b, int width) {
    return hog(new float[][] {a}, new float[][] {b}, width);
  }

  /**
   * The HOG similarity of two stacks of slices ({@code [slices][h*w]}, rows of {@code width}): the
   * Pearson correlation of the slices' descriptors put end to end, so no block spans two slices.
   */
  public static double hog(float[][] a, float[][] b, int width) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("stacks differ in slices: " + a.length + " and " + b.length);
    }
    double[][] da = new double[a.length][];
    double[][] db = new double[b.length][];
    for (int s = 0; s < a.length; s++) {
      check(a[s], b[s]);
      da[s] = HogDescriptor.of(a[s], width);
      db[s] = HogDescriptor.of(b[s], width);
    }
    return pearson(concat(da), concat(db));
  }

  private static double[] concat(double[][] parts) {
    return java.util.Arrays.stream(parts).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  private static double[] ranks(float[] v) {
    Integer[] order = IntStream.range(0, v.length).boxed().sorted(Comparator.comparingDouble(i -> v[i]))
        .toArray(Integer[]::new);
    double[] rank = new double[v.length];
    for (int i = 0; i < order.length;) {
      int j = i;
      while (j + 1 < order.length && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      double mean = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = mean;
      }
      i = j + 1;
    }
    return rank;
  }

  private static double pearson(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  }

  private static float[] absolute(float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = Math.abs(v[i]);
    }
    return out;
  }

  private static void check(float[] a, float[] b) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException("maps differ in size: " + a.length + " and " + b.length);
    }
  }
}
