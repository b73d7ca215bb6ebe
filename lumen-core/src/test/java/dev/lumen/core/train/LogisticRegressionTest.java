package dev.lumen.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogisticRegressionTest {

  /** The gradient of sum logloss + |w|^2 / (2c), intercept first, computed from the definition. */
  private static double[] objectiveGradient(LogisticRegression fit, double[][] x, boolean[] y, double c) {
    double[] g = new double[x[0].length + 1];
    for (int i = 0; i < x.length; i++) {
      double residual = fit.probability(x[i]) - (y[i] ? 1 : 0);
      g[0] += residual;
      for (int j = 0; j < x[i].length; j++) {
        g[j + 1] += residual * x[i][j];
      }
    }
    for (int j = 0; j < fit.coefficients().length; j++) {
      g[j + 1] += fit.coefficients()[j] / c;
    }
    return g;
  }

  @Test
  void solvesTheFirstOrderConditionsOnNoisyData() {
    Random r = new Random(4);
    double[][] x = new double[300][3];
    boolean[] y = new boolean[300];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < 3; j++) {
        x[i][j] = r.nextGaussian();
      }
      double z = 0.5 + 2 * x[i][0] - x[i][1];
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-z));
    }
    LogisticRegression fit = LogisticRegression.fit(x, y, 1.0);
    for (double g : objectiveGradient(fit, x, y, 1.0)) {
      assertEquals(0, g, 1e-8);
    }
    assertTrue(fit.coefficients()[0] > 1 && fit.coefficients()[1] < -0.4 && Math.abs(fit.coefficients()[2]) < 0.4,
        java.util.Arrays.toString(fit.coefficients()));
  }

  @Test
  void staysFiniteOnSeparableClassesAndRanksThem() {
    double[][] x = {{0.1, 0.2, 0.0}, {0.2, 0.1, 0.3}, {0.3, 0.2, 0.1}, {0.8, 0.9, 0.7}, {0.9, 0.6, 0.8}, {0.7, 0.8, 0.9}};
    boolean[] y = {false, false, false, true, true, true};
    LogisticRegression fit = LogisticRegression.fit(x, y, 1.0);
    for (double g : objectiveGradient(fit, x, y, 1.0)) {
      assertEquals(0, g, 1e-8);
    }
    for (int i = 0; i < 3; i++) {
      assertTrue(fit.probability(x[i]) < 0.5 && fit.probability(x[i + 3]) > 0.5);
    }
  }

  @Test
  void refusesLabelsOfOneClass() {
    double[][] x = {{0.1}, {0.5}, {0.9}};
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> LogisticRegression.fit(x, new boolean[] {true, true, true}, 1.0));
    assertTrue(e.getMessage().contains("3 positive of 3"), e.getMessage());
  }
}
