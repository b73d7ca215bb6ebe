package dev.lumen.app.exam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlaneCombinationTest {

  /**
   * Three planes whose scores carry the label with different noise: the fitted combination weighs
   * the cleanest plane most, and its probability is the logistic function of its weighted sum.
   */
  @Test
  void weighsTheInformativePlaneMostAndAppliesTheLogisticFunction() {
    Random r = new Random(1);
    int exams = 400;
    double[][][] scores = new double[exams][3][1];
    boolean[][] truth = new boolean[exams][1];
    double[] noise = {0.6, 0.3, 0.05};
    for (int e = 0; e < exams; e++) {
      truth[e][0] = r.nextBoolean();
      for (int p = 0; p < 3; p++) {
        scores[e][p][0] = Math.max(0, Math.min(1, (truth[e][0] ? 0.7 : 0.3) + noise[p] * r.nextGaussian()));
      }
    }
    PlaneCombination fit = PlaneCombination.fit(List.of("acl"), scores, truth);
    double[] w = fit.perLabel().get(0).coefficients();
    assertTrue(w[2] > w[1] && w[1] > w[0], java.util.Arrays.toString(w));
    double[][] exam = {{0.2}, {0.5}, {0.9}};
    double z = fit.perLabel().get(0).intercept() + w[0] * 0.2 + w[1] * 0.5 + w[2] * 0.9;
    assertEquals(1 / (1 + Math.exp(-z)), fit.combine(exam)[0], 1e-12);
  }
}
