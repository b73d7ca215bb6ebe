package dev.lumen.core.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The receiver operating characteristic of one label: scores of the studies and whether each is
 * positive. The area under it is the Mann–Whitney statistic, the probability that a random
 * positive scores above a random negative, ties counting one half.
 *
 * @param points the curve from (0, 0) to (1, 1), one point per distinct score (descending)
 * @param auc the area under the curve
 * @param positives the number of positive studies
 * @param negatives the number of negative studies
 */
public record Roc(List<Point> points, double auc, int positives, int negatives) {

  /** One operating point: at threshold {@code threshold}, scores at or above it are called positive. */
  public record Point(double threshold, double falsePositiveRate, double truePositiveRate) {}

  /**
   * The curve of {@code scores} against {@code positive}.
   *
   * @throws IllegalArgumentException if the lengths differ, or one class is missing (no curve)
   */
  public static Roc of(float[] scores, boolean[] positive) {
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
    }
    int p = 0;
    for (boolean b : positive) {
      p += b ? 1 : 0;
    }
    int n = scores.length - p;
    if (p == 0 || n == 0) {
      throw new IllegalArgumentException("a ROC curve needs positive and negative studies; got " + p + " and " + n);
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    List<Point> points = new ArrayList<>();
    points.add(new Point(Double.POSITIVE_INFINITY, 0, 0));
    int tp = 0;
    int fp = 0;
    double area = 0;
    for (int i = 0; i < order.length; ) {
      float threshold = scores[order[i]];
      int tiedTp = 0;
      int tiedFp = 0;
      while (i < order.length && scores[order[i]] == threshold) {
        if (positive[order[i]]) {
          tiedTp++;
        } else {
          tiedFp++;
        }
        i++;
      }
      // a tie block adds a trapezoid: ties between a positive and a negative count one half
      area += tiedFp * (tp + tiedTp / 2.0);
      tp += tiedTp;
      fp += tiedFp;
      points.add(new Point(threshold, (double) fp / n, (double) tp / p));
    }
    return new Roc(List.copyOf(points), area / ((double) p * n), p, n);
  }
}
