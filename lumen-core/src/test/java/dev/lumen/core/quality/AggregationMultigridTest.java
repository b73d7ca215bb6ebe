package dev.lumen.core.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ROAD's preconditioner against its definitions, on the systems of random removal masks. */
class AggregationMultigridTest {
  /** In a plane (8 neighbours) and in volumes (26), of odd and even depth. */
  @ParameterizedTest
  @ValueSource(ints = {1, 4, 5})
  void theCoarseSystemIsTheGalerkinProductOfTheFineOne(int depth) {
    StencilSystem fine = randomSystem(13, 9, depth, 0.6, 1);
    double[][] a = fine.dense();
    int[] aggregate = fine.aggregateOf();
    double[][] coarse = fine.coarsened().dense();
    int m = coarse.length;
    double[][] expected = new double[m][m];
    for (int u = 0; u < a.length; u++) {
      for (int v = 0; v < a.length; v++) {
        expected[aggregate[u]][aggregate[v]] += a[u][v];
      }
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        assertEquals(expected[i][j], coarse[i][j], 1e-12, "coarse entry " + i + ", " + j);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 6})
  void theCycleIsASymmetricPositiveDefiniteOperator(int depth) {
    // 40 x 40 with most pixels removed: three levels above the direct solve (more levels deep)
    StencilSystem system = randomSystem(40, 40, depth, 0.9, 2);
    AggregationMultigrid cycle = new AggregationMultigrid(system);
    Random random = new Random(3);
    for (int trial = 0; trial < 5; trial++) {
      double[] r = gaussian(system.size(), random);
      double[] s = gaussian(system.size(), random);
      double rMs = dot(r, cycle.apply(s));
      double sMr = dot(s, cycle.apply(r));
      assertEquals(rMs, sMr, 1e-9 * Math.abs(rMs), "symmetric");
      assertTrue(dot(r, cycle.apply(r)) > 0, "positive");
    }
  }

  @Test
  void aSystemSmallEnoughIsSolvedExactly() {
    StencilSystem system = randomSystem(12, 10, 1, 0.8, 4);
    assertTrue(system.size() <= 256);
    double[] b = gaussian(system.size(), new Random(5));
    double[] x = new AggregationMultigrid(system).apply(b);
    double[] ax = new double[x.length];
    system.apply(x, ax);
    for (int u = 0; u < x.length; u++) {
      assertEquals(b[u], ax[u], 1e-10, "row " + u);
    }
  }

  private static StencilSystem randomSystem(int width, int height, int depth, double share, long seed) {
    Random random = new Random(seed);
    boolean[] removed = new boolean[width * height * depth];
    for (int p = 0; p < removed.length; p++) {
      removed[p] = random.nextDouble() < share;
    }
    removed[0] = false;
    return NoisyLinearImputation.system(removed, new int[removed.length], width, height, depth);
  }

  private static double[] gaussian(int n, Random random) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
