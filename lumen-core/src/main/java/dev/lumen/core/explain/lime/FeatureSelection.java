package dev.lumen.core.explain.lime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Which superpixels LIME's surrogate uses, as the reference library's {@code feature_selection}. */
public enum FeatureSelection {
  /** Forward selection for at most 6 features, highest weights otherwise. */
  AUTO,
  /** The features with the largest weights of a ridge fit (alpha 0.01) on all of them. */
  HIGHEST_WEIGHTS,
  /** Greedily add the feature that most raises the weighted R² of an unpenalised fit. */
  FORWARD_SELECTION,
  /** Every feature. */
  NONE;

  /** The columns of {@code x} to use, at most {@code count}. */
  int[] select(double[][] x, double[] y, double[] weights, int count) {
    int p = x[0].length;
    int n = Math.min(count, p);
    FeatureSelection method = this == AUTO ? (n <= 6 ? FORWARD_SELECTION : HIGHEST_WEIGHTS) : this;
    switch (method) {
      case NONE:
        return IntStream.range(0, p).toArray();
      case HIGHEST_WEIGHTS: {
        double[] coefficients = WeightedRidge.fit(x, y, weights, 0.01).coefficients();
        return IntStream.range(0, p).boxed()
            .sorted(Comparator.comparingDouble((Integer j) -> -Math.abs(coefficients[j])))
            .limit(n).mapToInt(Integer::intValue).toArray();
      }
      default: {
        List<Integer> used = new ArrayList<>();
        for (int round = 0; round < n; round++) {
          int best = -1;
          double bestScore = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < p; j++) {
            if (used.contains(j)) {
              continue;
            }
            List<Integer> trial = new ArrayList<>(used);
            trial.add(j);
            double[][] columns = columns(x, trial.stream().mapToInt(Integer::intValue).toArray());
            double score = WeightedRidge.fit(columns, y, weights, 0).r2(columns, y, weights);
            if (score > bestScore) {
              bestScore = score;
              best = j;
            }
          }
          used.add(best);
        }
        return used.stream().mapToInt(Integer::intValue).toArray();
      }
    }
  }

  /** The chosen columns of {@code x}. */
  static double[][] columns(double[][] x, int[] chosen) {
    double[][] out = new double[x.length][chosen.length];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < chosen.length; j++) {
        out[i][j] = x[i][chosen[j]];
      }
    }
    return out;
  }
}
