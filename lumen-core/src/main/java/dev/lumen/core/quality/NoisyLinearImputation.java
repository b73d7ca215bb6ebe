package dev.lumen.core.quality;

import dev.lumen.core.image.Image;
import java.util.Random;

/**
 * The noisy linear imputation of ROAD (Rong, Leemann et al., "A consistent and efficient
 * evaluation strategy for attribution methods", ICML 2022): each removed pixel takes the weighted
 * mean of its eight neighbours (weight 1/6 for the four that share a side, 1/12 for the four
 * diagonal ones, renormalised at the border), where neighbours that are removed too are unknowns
 * of the same system, so a removed region fills smoothly from its rim; then Gaussian noise is
 * added to the filled pixels. Filling from the neighbourhood, rather than with a constant, keeps
 * the removed region's shape from telling the model where the map was.
 *
 * <p>The system, {@code S_i x_i - sum of w_ij x_j over removed neighbours = sum of w_ik v_k over
 * kept ones}, is symmetric and positive definite wherever a removed region touches a kept pixel;
 * it is solved per channel by conjugate gradients in double precision, from the mean of the kept
 * pixels, to a residual of 1e-7 of the right-hand side's: the values it fills then agree with a
 * direct solver's to about 1e-4 of the range (the tests check 1e-3 of 255 against SciPy), far
 * below the noise.
 */
public final class NoisyLinearImputation {
  private static final int[] DX = {1, 0, -1, 1, 0, -1, 1, -1};
  private static final int[] DY = {1, 1, 1, -1, -1, -1, 0, 0};
  private static final double[] WEIGHT = {1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 12.0, 1 / 6.0, 1 / 12.0, 1 / 6.0, 1 / 6.0};
  private static final double TOLERANCE = 1e-7;

  private NoisyLinearImputation() {}

  /**
   * {@code image}'s values with the pixels where {@code removed} is true filled, plus Gaussian
   * noise of standard deviation {@code noise} times the study's range top.
   *
   * @throws IllegalArgumentException when every pixel is removed (nothing to fill from), or the
   *     mask is not the study's size
   */
  public static float[] fill(Image image, boolean[] removed, double noise, Random random) {
    int width = image.width();
    int height = image.height();
    int plane = width * height;
    if (removed.length != plane) {
      throw new IllegalArgumentException("the removal mask has " + removed.length + " pixels, the study " + plane);
    }
    boolean anyKept = false;
    for (boolean r : removed) {
      anyKept |= !r;
    }
    if (!anyKept) {
      throw new IllegalArgumentException("imputation needs at least one kept pixel of " + image.source());
    }
    float[] out = image.pixels().toArray();
    for (int c = 0; c < image.channels(); c++) {
      float[] channel = java.util.Arrays.copyOfRange(out, c * plane, (c + 1) * plane);
      double[] filled = harmonic(channel, removed, width, height);
      for (int p = 0; p < plane; p++) {
        if (removed[p]) {
          out[c * plane + p] = (float) (filled[p] + noise * image.maxValue() * random.nextGaussian());
        }
      }
    }
    return out;
  }

  /** One channel with its removed pixels solved for. */
  private static double[] harmonic(float[] values, boolean[] removed, int width, int height) {
    int plane = width * height;
    int[] unknown = new int[plane];
    int n = 0;
    for (int p = 0; p < plane; p++) {
      unknown[p] = removed[p] ? n++ : -1;
    }
    int[] pixelOf = new int[n];
    for (int p = 0; p < plane; p++) {
      if (unknown[p] >= 0) {
        pixelOf[unknown[p]] = p;
      }
    }
    // each unknown's removed neighbours (as unknowns) and their weights, its diagonal, and its right-hand side
    int[] neighbour = new int[8 * n];
    double[] weight = new double[8 * n];
    double[] diagonal = new double[n];
    double[] rhs = new double[n];
    java.util.Arrays.fill(neighbour, -1);
    for (int u = 0; u < n; u++) {
      int x = pixelOf[u] % width;
      int y = pixelOf[u] / width;
      for (int k = 0; k < 8; k++) {
        int nx = x + DX[k];
        int ny = y + DY[k];
        if (inside(nx, ny, width, height)) {
          diagonal[u] += WEIGHT[k];
          int v = unknown[ny * width + nx];
          if (v >= 0) {
            neighbour[8 * u + k] = v;
            weight[8 * u + k] = WEIGHT[k];
          } else {
            rhs[u] += WEIGHT[k] * values[ny * width + nx];
          }
        }
      }
    }
    // from the kept pixels' mean
    double kept = 0;
    for (int p = 0; p < plane; p++) {
      kept += removed[p] ? 0 : values[p];
    }
    double[] start = new double[n];
    java.util.Arrays.fill(start, kept / (plane - n));
    double[] solution = solve(rhs, start, diagonal, neighbour, weight);
    double[] out = new double[plane];
    for (int p = 0; p < plane; p++) {
      out[p] = removed[p] ? solution[unknown[p]] : values[p];
    }
    return out;
  }

  /**
   * Conjugate gradients on the system's matrix, applied stencil by stencil, from {@code start}
   * (which becomes the solution).
   */
  private static double[] solve(double[] rhs, double[] start, double[] diagonal, int[] neighbour, double[] weight) {
    int n = rhs.length;
    double[] x = start;
    double[] q = new double[n];
    apply(x, q, diagonal, neighbour, weight);
    double[] r = new double[n];
    for (int u = 0; u < n; u++) {
      r[u] = rhs[u] - q[u];
    }
    double[] d = r.clone();
    double rr = dot(r, r);
    double stop = TOLERANCE * TOLERANCE * Math.max(dot(rhs, rhs), Double.MIN_NORMAL);
    for (int iteration = 0; iteration < 10 * n && rr > stop; iteration++) {
      apply(d, q, diagonal, neighbour, weight);
      double alpha = rr / dot(d, q);
      for (int u = 0; u < n; u++) {
        x[u] += alpha * d[u];
        r[u] -= alpha * q[u];
      }
      double next = dot(r, r);
      double beta = next / rr;
      rr = next;
      for (int u = 0; u < n; u++) {
        d[u] = r[u] + beta * d[u];
      }
    }
    return x;
  }

  /** {@code q = A d}. */
  private static void apply(double[] d, double[] q, double[] diagonal, int[] neighbour, double[] weight) {
    for (int u = 0; u < d.length; u++) {
      double v = diagonal[u] * d[u];
      for (int k = 8 * u; k < 8 * u + 8; k++) {
        if (neighbour[k] >= 0) {
          v -= weight[k] * d[neighbour[k]];
        }
      }
      q[u] = v;
    }
  }

  private static boolean inside(int x, int y, int width, int height) {
    return x >= 0 && y >= 0 && x < width && y < height;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
