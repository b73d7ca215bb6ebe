package dev.lumen.core.postprocess;

/**
 * The projection of a feature map on its first principal component, as Eigen-CAM defines it:
 * the map's positions are observations and its channels variables; after centring each channel,
 * the positions are projected on the direction of largest variance. The direction is found by
 * power iteration on {@code M^T M} without forming it.
 *
 * <p>A principal direction has no sign; the one returned makes the projection agree with the
 * channel sum of the map (positive covariance), so strong activations come out positive.
 */
public final class PrincipalComponent {
  private static final int MAX_ITERATIONS = 500;

  private PrincipalComponent() {}

  /** The projection of {@code map} ({@code [K][positions]}) on its first principal component. */
  public static float[] projection(float[][] map) {
    int k = map.length;
    int n = map[0].length;
    double[][] centred = new double[k][n];
    double[] sum = new double[n];
    for (int c = 0; c < k; c++) {
      double mean = 0;
      for (int p = 0; p < n; p++) {
        mean += map[c][p];
        sum[p] += map[c][p];
      }
      mean /= n;
      for (int p = 0; p < n; p++) {
        centred[c][p] = map[c][p] - mean;
      }
    }
    double[] v = new double[k];
    java.util.Arrays.fill(v, 1 / Math.sqrt(k));
    double[] projection = new double[n];
    for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
      project(centred, v, projection);
      double[] next = new double[k];
      double norm = 0;
      for (int c = 0; c < k; c++) {
        double dot = 0;
        for (int p = 0; p < n; p++) {
          dot += centred[c][p] * projection[p];
        }
        next[c] = dot;
        norm += dot * dot;
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        break;
      }
      double change = 0;
      for (int c = 0; c < k; c++) {
        next[c] /= norm;
        change = Math.max(change, Math.abs(next[c] - v[c]));
      }
      v = next;
      if (change < 1e-10) {
        break;
      }
    }
    project(centred, v, projection);
    double agreement = 0;
    for (int p = 0; p < n; p++) {
      agreement += projection[p] * sum[p];
    }
    float[] out = new float[n];
    for (int p = 0; p < n; p++) {
      out[p] = (float) (agreement < 0 ? -projection[p] : projection[p]);
    }
    return out;
  }

  private static void project(double[][] centred, double[] v, double[] out) {
    java.util.Arrays.fill(out, 0);
    for (int c = 0; c < v.length; c++) {
      for (int p = 0; p < out.length; p++) {
        out[p] += centred[c][p] * v[c];
      }
    }
  }
}
