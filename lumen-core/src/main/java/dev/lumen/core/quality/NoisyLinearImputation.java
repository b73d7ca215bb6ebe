package dev.lumen.core.quality;

import dev.lumen.core.image.Image;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * it is solved per channel by conjugate gradients in double precision, preconditioned by an
 * {@link AggregationMultigrid} cycle built once for all channels, from the mean of the kept pixels,
 * to a residual of 1e-7 of the right-hand side's: the values it fills then agree with a direct
 * solver's to about 1e-4 of the range (the tests check 1e-3 of 255 against SciPy), far below the
 * noise. The preconditioner keeps the iterations at 15–25 where plain conjugate gradients needed
 * hundreds, in proportion to the removed region's side (docs/benchmarks.md).
 */
public final class NoisyLinearImputation {
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
    return fillAll(image, List.of(removed), noise, random).get(0);
  }

  /**
   * A copy of {@code image} filled for each of {@code removals}, as {@link #fill} one after the
   * other gives them (the noise drawn in the same order), the systems solved on every core.
   */
  public static List<float[]> fillAll(Image image, List<boolean[]> removals, double noise, Random random) {
    for (boolean[] removed : removals) {
      check(image, removed);
    }
    List<double[][]> solved = removals.parallelStream().map(removed -> solve(image, removed)).toList();
    int plane = image.width() * image.height();
    List<float[]> copies = new ArrayList<>();
    for (int i = 0; i < removals.size(); i++) {
      boolean[] removed = removals.get(i);
      float[] out = image.pixels().toArray();
      for (int c = 0; c < image.channels(); c++) {
        for (int p = 0; p < plane; p++) {
          if (removed[p]) {
            out[c * plane + p] = (float) (solved.get(i)[c][p] + noise * image.maxValue() * random.nextGaussian());
          }
        }
      }
      copies.add(out);
    }
    return copies;
  }

  private static void check(Image image, boolean[] removed) {
    int plane = image.width() * image.height();
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
  }

  /** Each channel's values with the removed pixels solved for, without noise. */
  private static double[][] solve(Image image, boolean[] removed) {
    int width = image.width();
    int height = image.height();
    int plane = width * height;
    int[] unknown = new int[plane];
    StencilSystem system = system(removed, unknown, width, height);
    AggregationMultigrid preconditioner = new AggregationMultigrid(system);
    float[] values = image.pixels().toArray();
    double[][] filled = new double[image.channels()][];
    for (int c = 0; c < filled.length; c++) {
      float[] channel = Arrays.copyOfRange(values, c * plane, (c + 1) * plane);
      filled[c] = harmonic(channel, removed, unknown, system, preconditioner, width, height);
    }
    return filled;
  }

  /** The removed pixels' system: one unknown each, coupled to the removed pixels among its neighbours. */
  static StencilSystem system(boolean[] removed, int[] unknown, int width, int height) {
    int n = 0;
    for (int p = 0; p < removed.length; p++) {
      unknown[p] = removed[p] ? n++ : -1;
    }
    int[] cellOf = new int[n];
    for (int p = 0; p < removed.length; p++) {
      if (unknown[p] >= 0) {
        cellOf[unknown[p]] = p;
      }
    }
    int[] neighbour = new int[8 * n];
    double[] weight = new double[8 * n];
    double[] diagonal = new double[n];
    Arrays.fill(neighbour, -1);
    for (int u = 0; u < n; u++) {
      int x = cellOf[u] % width;
      int y = cellOf[u] / width;
      for (int k = 0; k < 8; k++) {
        int nx = x + StencilSystem.DX[k];
        int ny = y + StencilSystem.DY[k];
        if (inside(nx, ny, width, height)) {
          diagonal[u] += WEIGHT[k];
          int v = unknown[ny * width + nx];
          if (v >= 0) {
            neighbour[8 * u + k] = v;
            weight[8 * u + k] = WEIGHT[k];
          }
        }
      }
    }
    return new StencilSystem(width, height, cellOf, neighbour, weight, diagonal);
  }

  /** One channel with its removed pixels solved for. */
  private static double[] harmonic(float[] values, boolean[] removed, int[] unknown, StencilSystem system,
      AggregationMultigrid preconditioner, int width, int height) {
    int plane = width * height;
    int n = system.size();
    // each unknown's right-hand side: its kept neighbours' weighted values
    double[] rhs = new double[n];
    double kept = 0;
    for (int p = 0; p < plane; p++) {
      if (unknown[p] < 0) {
        kept += values[p];
        continue;
      }
      int x = p % width;
      int y = p / width;
      for (int k = 0; k < 8; k++) {
        int nx = x + StencilSystem.DX[k];
        int ny = y + StencilSystem.DY[k];
        if (inside(nx, ny, width, height) && unknown[ny * width + nx] < 0) {
          rhs[unknown[p]] += WEIGHT[k] * values[ny * width + nx];
        }
      }
    }
    // from the kept pixels' mean
    double[] solution = new double[n];
    Arrays.fill(solution, kept / (plane - n));
    solve(system, preconditioner, rhs, solution);
    double[] out = new double[plane];
    for (int p = 0; p < plane; p++) {
      out[p] = removed[p] ? solution[unknown[p]] : values[p];
    }
    return out;
  }

  /** Preconditioned conjugate gradients from {@code x}, which becomes the solution. */
  private static void solve(StencilSystem system, AggregationMultigrid preconditioner, double[] rhs, double[] x) {
    int n = rhs.length;
    double[] q = new double[n];
    system.apply(x, q);
    double[] r = new double[n];
    for (int u = 0; u < n; u++) {
      r[u] = rhs[u] - q[u];
    }
    double[] z = preconditioner.apply(r);
    double[] d = z.clone();
    double rz = dot(r, z);
    double stop = TOLERANCE * TOLERANCE * Math.max(dot(rhs, rhs), Double.MIN_NORMAL);
    for (int iteration = 0; iteration < n && dot(r, r) > stop; iteration++) {
      system.apply(d, q);
      double alpha = rz / dot(d, q);
      for (int u = 0; u < n; u++) {
        x[u] += alpha * d[u];
        r[u] -= alpha * q[u];
      }
      z = preconditioner.apply(r);
      double next = dot(r, z);
      double beta = next / rz;
      rz = next;
      for (int u = 0; u < n; u++) {
        d[u] = z[u] + beta * d[u];
      }
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
