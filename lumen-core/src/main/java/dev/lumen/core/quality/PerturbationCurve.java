package dev.lumen.core.quality;

import java.util.Arrays;

/**
 * The target's probability on a study perturbed step by step in the order of a map (deletion,
 * insertion, ROAD, pixel flipping), over how much of the study each step has changed.
 *
 * @param fractions how much of the study is changed at each point, increasing, in [0, 1]
 * @param probabilities the target's probability there
 */
public record PerturbationCurve(double[] fractions, double[] probabilities) {
  public PerturbationCurve {
    if (fractions.length != probabilities.length || fractions.length == 0) {
      throw new IllegalArgumentException("a curve needs one probability per point, got " + probabilities.length
          + " for " + fractions.length);
    }
  }

  /** The area under the curve by trapezoids over its fractions. */
  public double area() {
    double area = 0;
    for (int k = 1; k < fractions.length; k++) {
      area += (probabilities[k - 1] + probabilities[k]) / 2 * (fractions[k] - fractions[k - 1]);
    }
    return area;
  }

  /** The mean probability over the points. */
  public double mean() {
    return Arrays.stream(probabilities).average().orElseThrow();
  }

  /**
   * The average drop from the first point, {@code 1/(L+1) * sum over k of (p0 - pk)}: the area
   * over the perturbation curve (AOPC) of Samek et al. when the first point is the unchanged study.
   */
  public double averageDrop() {
    return probabilities[0] - mean();
  }
}
