package dev.lumen.core.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * A multigrid V-cycle for a {@link StencilSystem}, used as the preconditioner of conjugate
 * gradients: each level gathers the unknowns of the one below into 2 × 2 blocks (aggregation,
 * coarse operator {@code Pᵀ A P}) until at most {@value #COARSEST} are left, which are solved
 * directly. Plain conjugate gradients need iterations in proportion to a removed region's side
 * (the system's condition number grows with its square); the cycle removes the smooth error the
 * iterations are slow on, so their number barely grows with the region.
 *
 * <p>The cycle is symmetric — one forward Gauss-Seidel sweep before the coarse correction, one
 * backward sweep after it, an exact solve at the bottom — as conjugate gradients need of a
 * preconditioner. Built once per system; each application costs about four products with the
 * matrix.
 */
final class AggregationMultigrid {
  private static final int COARSEST = 256;

  private final List<StencilSystem> levels = new ArrayList<>();
  private final List<int[]> aggregates = new ArrayList<>();
  private final double[][] coarsestFactor;

  AggregationMultigrid(StencilSystem system) {
    levels.add(system);
    StencilSystem last = system;
    while (last.size() > COARSEST) {
      int[] aggregate = last.aggregateOf();
      StencilSystem next = last.coarsened();
      aggregates.add(aggregate);
      levels.add(next);
      last = next;
    }
    coarsestFactor = cholesky(last.dense());
  }

  /** An approximation of {@code A⁻¹ r}. */
  double[] apply(double[] r) {
    return cycle(0, r);
  }

  private double[] cycle(int level, double[] b) {
    if (level == levels.size() - 1) {
      return solveFactored(b);
    }
    StencilSystem system = levels.get(level);
    double[] x = new double[b.length];
    system.sweep(x, b, true);
    double[] residual = new double[b.length];
    system.apply(x, residual);
    int[] aggregate = aggregates.get(level);
    double[] coarse = new double[levels.get(level + 1).size()];
    for (int u = 0; u < b.length; u++) {
      coarse[aggregate[u]] += b[u] - residual[u];
    }
    double[] correction = cycle(level + 1, coarse);
    for (int u = 0; u < b.length; u++) {
      x[u] += correction[aggregate[u]];
    }
    system.sweep(x, b, false);
    return x;
  }

  /** The lower factor L of {@code a = L Lᵀ}, in place of a's lower triangle. */
  private static double[][] cholesky(double[][] a) {
    int n = a.length;
    for (int j = 0; j < n; j++) {
      double d = a[j][j];
      for (int k = 0; k < j; k++) {
        d -= a[j][k] * a[j][k];
      }
      a[j][j] = Math.sqrt(d);
      for (int i = j + 1; i < n; i++) {
        double s = a[i][j];
        for (int k = 0; k < j; k++) {
          s -= a[i][k] * a[j][k];
        }
        a[i][j] = s / a[j][j];
      }
    }
    return a;
  }

  private double[] solveFactored(double[] b) {
    double[][] l = coarsestFactor;
    int n = b.length;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      for (int k = 0; k < i; k++) {
        s -= l[i][k] * y[k];
      }
      y[i] = s / l[i][i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = y[i];
      for (int k = i + 1; k < n; k++) {
        s -= l[k][i] * y[k];
      }
      y[i] = s / l[i][i];
    }
    return y;
  }
}
