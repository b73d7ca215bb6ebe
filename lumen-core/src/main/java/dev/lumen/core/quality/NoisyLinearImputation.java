package dev.lumen.core.quality;

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
 * <p>A 3D model's volume is filled in the same way over its 26 neighbours (Lumen's extension of
 * the paper's plane stencil): the paper's weights halve with each axis a neighbour is offset along
 * (a side 1/2, a diagonal 1/4, before they are made to sum to one), and so do these, to 1/14 for
 * the six sharing a face, 1/28 for the twelve sharing an edge and 1/56 for the eight corners; a
 * region removed across slices fills from the slices around it, and a whole slice can be removed.
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
  /** The weights of the directions of {@link StencilSystem} in a plane, and in a volume. */
  private static final double[] PLANE_WEIGHT = weights(8);
  private static final double[] VOLUME_WEIGHT = weights(26);
  private static final double TOLERANCE = 1e-7;

  private NoisyLinearImputation() {}

  /** The first {@code directions} directions' weights: halving per axis offset, summing to one. */
  private static double[] weights(int directions) {
    double[] w = new double[directions];
    double total = 0;
    for (int d = 0; d < directions; d++) {
      int axes = Math.abs(StencilSystem.DX[d]) + Math.abs(StencilSystem.DY[d]) + Math.abs(StencilSystem.DZ[d]);
      w[d] = Math.pow(0.5, axes);
      total += w[d];
    }
    for (int d = 0; d < directions; d++) {
      w[d] /= total;
    }
    return w;
  }

  /**
   * {@code study}'s values with the voxels where {@code removed} is true filled, plus Gaussian
   * noise of standard deviation {@code noise} times the study's range top.
   *
   * @throws IllegalArgumentException when every voxel is removed (nothing to fill from), or the
   *     mask is not the study's size
   */
  public static float[] fill(Voxels study, boolean[] removed, double noise, Random random) {
    return fillAll(study, List.of(removed), noise, random).get(0);
  }

  /**
   * A copy of {@code study} filled for each of {@code removals}, as {@link #fill} one after the
   * other gives them (the noise drawn in the same order), the systems solved on every core.
   */
  public static List<float[]> fillAll(Voxels study, List<boolean[]> removals, double noise, Random random) {
    for (boolean[] removed : removals) {
      check(study, removed);
    }
    List<double[][]> solved = removals.parallelStream().map(removed -> solve(study, removed)).toList();
    int size = study.size();
    List<float[]> copies = new ArrayList<>();
    for (int i = 0; i < removals.size(); i++) {
      boolean[] removed = removals.get(i);
      float[] out = study.values().clone();
      for (int c = 0; c < study.channels(); c++) {
        for (int p = 0; p < size; p++) {
          if (removed[p]) {
            out[c * size + p] = (float) (solved.get(i)[c][p] + noise * study.maxValue() * random.nextGaussian());
          }
        }
      }
      copies.add(out);
    }
    return copies;
  }

  private static void check(Voxels study, boolean[] removed) {
    if (removed.length != study.size()) {
      throw new IllegalArgumentException("the removal mask has " + removed.length + " voxels, the study "
          + study.size());
    }
    boolean anyKept = false;
    for (boolean r : removed) {
      anyKept |= !r;
    }
    if (!anyKept) {
      throw new IllegalArgumentException("imputation needs at least one kept pixel of " + study.source());
    }
  }

  /** Each channel's values with the removed voxels solved for, without noise. */
  private static double[][] solve(Voxels study, boolean[] removed) {
    int size = study.size();
    int[] unknown = new int[size];
    StencilSystem system = system(removed, unknown, study.width(), study.height(), study.depth());
    AggregationMultigrid preconditioner = new AggregationMultigrid(system);
    double[][] filled = new double[study.channels()][];
    for (int c = 0; c < filled.length; c++) {
      float[] channel = Arrays.copyOfRange(study.values(), c * size, (c + 1) * size);
      filled[c] = harmonic(channel, removed, unknown, system, preconditioner, study);
    }
    return filled;
  }

  /** The removed voxels' system: one unknown each, coupled to the removed voxels among its neighbours. */
  static StencilSystem system(boolean[] removed, int[] unknown, int width, int height, int depth) {
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
    int k = StencilSystem.directions(depth);
    double[] weights = depth > 1 ? VOLUME_WEIGHT : PLANE_WEIGHT;
    int[] neighbour = new int[k * n];
    double[] weight = new double[k * n];
    double[] diagonal = new double[n];
    Arrays.fill(neighbour, -1);
    for (int u = 0; u < n; u++) {
      int cell = cellOf[u];
      for (int d = 0; d < k; d++) {
        int next = neighbourOf(cell, d, width, height, depth);
        if (next >= 0) {
          diagonal[u] += weights[d];
          int v = unknown[next];
          if (v >= 0) {
            neighbour[k * u + d] = v;
            weight[k * u + d] = weights[d];
          }
        }
      }
    }
    return new StencilSystem(width, height, depth, cellOf, neighbour, weight, diagonal);
  }

  /** One channel with its removed voxels solved for. */
  private static double[] harmonic(float[] values, boolean[] removed, int[] unknown, StencilSystem system,
      AggregationMultigrid preconditioner, Voxels study) {
    int size = values.length;
    int n = system.size();
    int k = StencilSystem.directions(study.depth());
    double[] weights = study.depth() > 1 ? VOLUME_WEIGHT : PLANE_WEIGHT;
    // each unknown's right-hand side: its kept neighbours' weighted values
    double[] rhs = new double[n];
    double kept = 0;
    for (int p = 0; p < size; p++) {
      if (unknown[p] < 0) {
        kept += values[p];
        continue;
      }
      for (int d = 0; d < k; d++) {
        int next = neighbourOf(p, d, study.width(), study.height(), study.depth());
        if (next >= 0 && unknown[next] < 0) {
          rhs[unknown[p]] += weights[d] * values[next];
        }
      }
    }
    // from the kept voxels' mean
    double[] solution = new double[n];
    Arrays.fill(solution, kept / (size - n));
    solve(system, preconditioner, rhs, solution);
    double[] out = new double[size];
    for (int p = 0; p < size; p++) {
      out[p] = removed[p] ? solution[unknown[p]] : values[p];
    }
    return out;
  }

  /** The cell one step from {@code cell} in direction {@code d} of {@link StencilSystem}, or -1 outside the grid. */
  private static int neighbourOf(int cell, int d, int width, int height, int depth) {
    int x = cell % width + StencilSystem.DX[d];
    int y = cell / width % height + StencilSystem.DY[d];
    int z = cell / width / height + StencilSystem.DZ[d];
    boolean inside = x >= 0 && y >= 0 && z >= 0 && x < width && y < height && z < depth;
    return inside ? (z * height + y) * width + x : -1;
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

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
