package dev.lumen.app.exam;

import dev.lumen.core.train.LogisticRegression;
import java.util.List;

/**
 * How an exam's plane scores become its score, as in the MRNet work: per label, a logistic
 * regression over the three planes' probabilities of that label, fitted on the training split.
 *
 * @param labels the labels
 * @param perLabel per label: the regression over the planes' probabilities (in {@link MrnetSplit#PLANES} order)
 */
public record PlaneCombination(List<String> labels, List<LogisticRegression> perLabel) {
  /** The inverse penalty (scikit-learn's default C), which keeps separable labels finite. */
  private static final double C = 1.0;

  /**
   * Fits the combination on {@code scores} ({@code [exam][plane][label]} probabilities) and
   * {@code truth} ({@code [exam][label]}).
   */
  public static PlaneCombination fit(List<String> labels, double[][][] scores, boolean[][] truth) {
    List<LogisticRegression> fits = new java.util.ArrayList<>();
    for (int l = 0; l < labels.size(); l++) {
      double[][] x = new double[scores.length][];
      boolean[] y = new boolean[scores.length];
      for (int e = 0; e < scores.length; e++) {
        x[e] = planeScores(scores[e], l);
        y[e] = truth[e][l];
      }
      fits.add(LogisticRegression.fit(x, y, C));
    }
    return new PlaneCombination(List.copyOf(labels), List.copyOf(fits));
  }

  /** The exam's probability of every label from its planes' ({@code [plane][label]}) probabilities. */
  public double[] combine(double[][] planeScores) {
    double[] out = new double[labels.size()];
    for (int l = 0; l < out.length; l++) {
      out[l] = perLabel.get(l).probability(planeScores(planeScores, l));
    }
    return out;
  }

  private static double[] planeScores(double[][] scores, int label) {
    double[] x = new double[scores.length];
    for (int p = 0; p < scores.length; p++) {
      x[p] = scores[p][label];
    }
    return x;
  }
}
