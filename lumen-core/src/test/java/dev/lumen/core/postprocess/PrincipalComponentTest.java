package dev.lumen.core.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrincipalComponentTest {

  /**
   * A rank-one map {@code A_k(p) = a_k u(p)} centres to {@code (u - mean u) a^T}: its first
   * principal direction is {@code a / |a|} and the projection {@code (u - mean u) |a|}.
   */
  @Test
  void rankOneMapProjectsOntoItsPattern() {
    float[] a = {2, -1, 0.5f};
    float[] u = {0, 1, 3, -2, 0.5f};
    float[][] map = new float[a.length][u.length];
    double mean = 0;
    for (float v : u) {
      mean += v / u.length;
    }
    for (int k = 0; k < a.length; k++) {
      for (int p = 0; p < u.length; p++) {
        map[k][p] = a[k] * u[p] + 7 * k;   // a constant per channel is centred away
      }
    }
    double norm = Math.sqrt(4 + 1 + 0.25);
    float[] projection = PrincipalComponent.projection(map);
    // the channel sum is 1.5 u + const, so the sign follows u
    for (int p = 0; p < u.length; p++) {
      assertEquals((u[p] - mean) * norm, projection[p], 1e-5, "position " + p);
    }
  }

  /** The direction found carries the most variance: no other unit direction of a random map beats it. */
  @Test
  void directionOfLargestVariance() {
    java.util.Random random = new java.util.Random(3);
    float[][] map = new float[6][40];
    for (float[] row : map) {
      for (int p = 0; p < row.length; p++) {
        row[p] = (float) random.nextGaussian();
      }
    }
    double best = variance(PrincipalComponent.projection(map));
    for (int trial = 0; trial < 200; trial++) {
      double[] v = new double[6];
      double n = 0;
      for (int k = 0; k < 6; k++) {
        v[k] = random.nextGaussian();
        n += v[k] * v[k];
      }
      float[] other = new float[40];
      for (int p = 0; p < 40; p++) {
        for (int k = 0; k < 6; k++) {
          other[p] += (float) (map[k][p] * v[k] / Math.sqrt(n));
        }
      }
      assertEquals(true, variance(other) <= best + 1e-4, "trial " + trial);
    }
  }

  private static double variance(float[] x) {
    double mean = 0;
    for (float v : x) {
      mean += v / x.length;
    }
    double sum = 0;
    for (float v : x) {
      sum += (v - mean) * (v - mean);
    }
    return sum;
  }
}
