package dev.lumen.app.evaluate;

import dev.lumen.core.metrics.BinaryCounts;
import dev.lumen.core.metrics.Roc;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A classifier's scores on labelled studies: per label the ROC curve and AUC (when both classes
 * occur), the confusion counts, sensitivity, specificity and accuracy at a threshold; the macro
 * AUC; and for multi-class data (one true label per study) the accuracy of the top label and the
 * confusion matrix.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * The report of {@code probabilities} ({@code [study][label]}) against {@code truth}, as nested
   * maps ready for JSON, with the curves in {@code curves} (null where a label has one class).
   */
  public static Map<String, Object> report(List<String> labels, float[][] probabilities, boolean[][] truth,
                                           double threshold, List<Roc> curves) {
    List<Map<String, Object>> perLabel = new ArrayList<>();
    double aucSum = 0;
    int aucCount = 0;
    for (int c = 0; c < labels.size(); c++) {
      float[] scores = new float[probabilities.length];
      boolean[] positive = new boolean[probabilities.length];
      for (int s = 0; s < scores.length; s++) {
        scores[s] = probabilities[s][c];
        positive[s] = truth[s][c];
      }
      BinaryCounts counts = BinaryCounts.of(scores, positive, threshold);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("label", labels.get(c));
      entry.put("positives", counts.truePositives() + counts.falseNegatives());
      entry.put("negatives", counts.trueNegatives() + counts.falsePositives());
      Roc roc = null;
      if (counts.truePositives() + counts.falseNegatives() > 0 && counts.trueNegatives() + counts.falsePositives() > 0) {
        roc = Roc.of(scores, positive);
        entry.put("auc", roc.auc());
        aucSum += roc.auc();
        aucCount++;
        entry.put("roc", roc.points().stream()
            .map(p -> List.of(p.falsePositiveRate(), p.truePositiveRate(), p.threshold())).toList());
      }
      curves.add(roc);
      entry.put("sensitivity", finite(counts.sensitivity()));
      entry.put("specificity", finite(counts.specificity()));
      entry.put("accuracy", counts.accuracy());
      entry.put("confusion", Map.of("truePositives", counts.truePositives(), "falsePositives", counts.falsePositives(),
          "trueNegatives", counts.trueNegatives(), "falseNegatives", counts.falseNegatives()));
      perLabel.add(entry);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("studies", probabilities.length);
    out.put("threshold", threshold);
    out.put("macroAuc", aucCount == 0 ? null : aucSum / aucCount);
    out.put("labels", perLabel);
    multiClass(labels, probabilities, truth).ifPresent(m -> out.put("multiClass", m));
    return out;
  }

  /** Top-label accuracy and the confusion matrix (rows: truth, columns: top label), when every study has one true label. */
  private static java.util.Optional<Map<String, Object>> multiClass(List<String> labels, float[][] probabilities,
                                                                    boolean[][] truth) {
    int k = labels.size();
    int[][] matrix = new int[k][k];
    int correct = 0;
    for (int s = 0; s < probabilities.length; s++) {
      int trueLabel = -1;
      for (int c = 0; c < k; c++) {
        if (truth[s][c]) {
          if (trueLabel >= 0) {
            return java.util.Optional.empty();
          }
          trueLabel = c;
        }
      }
      if (trueLabel < 0) {
        return java.util.Optional.empty();
      }
      int top = 0;
      for (int c = 1; c < k; c++) {
        top = probabilities[s][c] > probabilities[s][top] ? c : top;
      }
      matrix[trueLabel][top]++;
      correct += top == trueLabel ? 1 : 0;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accuracy", (double) correct / probabilities.length);
    out.put("confusionMatrix", matrix);
    return java.util.Optional.of(out);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
