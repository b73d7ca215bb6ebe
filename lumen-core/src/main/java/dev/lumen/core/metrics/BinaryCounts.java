package dev.lumen.core.metrics;

/**
 * The confusion matrix of one label at a threshold, and the rates read from it.
 *
 * @param truePositives positives scored at or above the threshold
 * @param falsePositives negatives scored at or above it
 * @param trueNegatives negatives scored below it
 * @param falseNegatives positives scored below it
 */
public record BinaryCounts(int truePositives, int falsePositives, int trueNegatives, int falseNegatives) {

  /** The counts of {@code scores} against {@code positive} at {@code threshold}. */
  public static BinaryCounts of(float[] scores, boolean[] positive, double threshold) {
    int tp = 0;
    int fp = 0;
    int tn = 0;
    int fn = 0;
    for (int i = 0; i < scores.length; i++) {
      boolean called = scores[i] >= threshold;
      if (positive[i]) {
        tp += called ? 1 : 0;
        fn += called ? 0 : 1;
      } else {
        fp += called ? 1 : 0;
        tn += called ? 0 : 1;
      }
    }
    return new BinaryCounts(tp, fp, tn, fn);
  }

  /** True positives over positives (recall); NaN without positives. */
  public double sensitivity() {
    return (double) truePositives / (truePositives + falseNegatives);
  }

  /** True negatives over negatives; NaN without negatives. */
  public double specificity() {
    return (double) trueNegatives / (trueNegatives + falsePositives);
  }

  /** Correct calls over all studies. */
  public double accuracy() {
    return (double) (truePositives + trueNegatives) / (truePositives + falsePositives + trueNegatives + falseNegatives);
  }
}
