package dev.lumen.core.explain.lime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** LIME's segmentation, sampling, kernel, surrogate and feature selection against their definitions. */
class LimePartsTest {

  @Test
  void samplesStartWithTheImageAndAreWeightedByTheCosineKernel() {
    Neighbourhood n = Neighbourhood.sample(200, 12, 0.25, 3);
    for (boolean on : n.rows()[0]) {
      assertTrue(on, "the first sample is the image itself");
    }
    assertEquals(1.0, n.weights()[0], 1e-12);
    for (int s = 0; s < 200; s++) {
      boolean[] row = n.rows()[s];
      double dot = 0;
      double norm = 0;
      for (boolean v : row) {
        dot += v ? 1 : 0;
        norm += v ? 1 : 0;
      }
      double cosine = norm == 0 ? 0 : dot / (Math.sqrt(norm) * Math.sqrt(12));
      double d = 1 - cosine;
      assertEquals(Math.sqrt(Math.exp(-d * d / 0.0625)), n.weights()[s], 1e-12, "sample " + s);
    }
    assertEquals(Math.sqrt(Math.exp(-1 / 0.0625)), Neighbourhood.kernel(1, 0.25), 1e-15);
    assertArrayEquals(n.rows()[57], Neighbourhood.sample(200, 12, 0.25, 3).rows()[57], "seeded");
  }

  /**
   * The weighted ridge solution satisfies its normal equations: the weighted residuals sum to 0
   * (intercept) and {@code sum_i w_i r_i x_ij = alpha beta_j} for every column.
   */
  @Test
  void weightedRidgeSolvesItsNormalEquations() {
    Random random = new Random(9);
    int n = 60;
    int p = 5;
    double[][] x = new double[n][p];
    double[] y = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        x[i][j] = random.nextBoolean() ? 1 : 0;
      }
      y[i] = 0.3 + 2 * x[i][1] - x[i][3] + 0.1 * random.nextGaussian();
      w[i] = random.nextDouble();
    }
    for (double alpha : new double[] {0, 1}) {
      WeightedRidge fit = WeightedRidge.fit(x, y, w, alpha);
      double[] gradient = new double[p];
      double total = 0;
      for (int i = 0; i < n; i++) {
        double r = y[i] - fit.predict(x[i]);
        total += w[i] * r;
        for (int j = 0; j < p; j++) {
          gradient[j] += w[i] * r * x[i][j];
        }
      }
      assertEquals(0, total, 1e-9, "weighted residuals, alpha " + alpha);
      for (int j = 0; j < p; j++) {
        assertEquals(alpha * fit.coefficients()[j], gradient[j], 1e-9, "column " + j + ", alpha " + alpha);
      }
    }
    WeightedRidge exact = WeightedRidge.fit(x, y, w, 0);
    assertEquals(2, exact.coefficients()[1], 0.1);
    assertEquals(-1, exact.coefficients()[3], 0.1);
    assertTrue(exact.r2(x, y, w) > 0.95);
  }

  @Test
  void featureSelectionFindsTheFeaturesTheTargetDependsOn() {
    Random random = new Random(2);
    int n = 300;
    double[][] x = new double[n][20];
    double[] y = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 20; j++) {
        x[i][j] = random.nextBoolean() ? 1 : 0;
      }
      y[i] = 3 * x[i][7] + x[i][12] + 0.05 * random.nextGaussian();
      w[i] = 1;
    }
    for (FeatureSelection method : List.of(FeatureSelection.FORWARD_SELECTION, FeatureSelection.HIGHEST_WEIGHTS,
        FeatureSelection.AUTO)) {
      int[] chosen = method.select(x, y, w, 2);
      assertEquals(Set.of(7, 12), Set.of(chosen[0], chosen[1]), method.name());
      assertEquals(7, chosen[0], method + " puts the strongest first");
    }
    assertEquals(20, FeatureSelection.NONE.select(x, y, w, 2).length);
  }

  /** On two flat halves every superpixel lies in one half, and labels run 0 .. count-1. */
  @Test
  void everySegmentationKeepsFlatRegionsApart() {
    int w = 40;
    int h = 30;
    float[] plane = new float[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        plane[y * w + x] = x < 17 ? 20 : 200;
      }
    }
    for (Segmentation method : List.of(Segmentation.slic(12), Segmentation.felzenszwalb(100, 10),
        Segmentation.meanShift(4, 15, 10))) {
      for (float[][] planes : List.of(new float[][] {plane}, new float[][] {plane, plane, plane})) {
        Segments s = method.segment(planes, w, h);
        assertTrue(s.count() >= 2, method + " found " + s.count());
        Set<Integer> left = new HashSet<>();
        Set<Integer> right = new HashSet<>();
        Set<Integer> all = new HashSet<>();
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int label = s.at(y * w + x);
            (x < 17 ? left : right).add(label);
            all.add(label);
          }
        }
        left.retainAll(right);
        assertTrue(left.isEmpty(), method + " mixes the halves in " + left);
        assertEquals(s.count(), all.size(), method + " numbers its segments densely");
      }
    }
  }
}
