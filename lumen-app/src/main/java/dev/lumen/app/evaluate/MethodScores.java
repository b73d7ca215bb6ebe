package dev.lumen.app.evaluate;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.quality.PerturbationCurve;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One method's scores per label as the findings come: the pointing game, the energy inside and
 * IoU, the quality measures asked for, and the mean of each perturbation curve; then the report's
 * entry of each label. Each finding is scored in its {@link FindingScope}: a 2D study's plane,
 * an exam's hottest slice, or a 3D model's whole volume.
 */
public final class MethodScores {
  private final List<String> quality;
  private final QualityMeasures.Settings settings;
  private final Map<String, LabelSums> labels = new LinkedHashMap<>();

  /** Sums over one label's findings. */
  private static final class LabelSums {
    int cases;
    double hits;
    double energy;
    double iou;
    final Map<String, double[]> measures = new LinkedHashMap<>();
    final Map<String, CurveSum> curves = new LinkedHashMap<>();
  }

  /** A curve summed point by point; findings whose curves have more points add their common prefix. */
  private static final class CurveSum {
    final double[] fractions;
    double[] probabilities;
    int count;

    CurveSum(PerturbationCurve first) {
      fractions = first.fractions().clone();
      probabilities = new double[fractions.length];
    }

    void add(PerturbationCurve curve) {
      if (curve.probabilities().length < probabilities.length) {
        probabilities = Arrays.copyOf(probabilities, curve.probabilities().length);
      }
      for (int k = 0; k < probabilities.length; k++) {
        probabilities[k] += curve.probabilities()[k];
      }
      count++;
    }

    Map<String, Object> mean() {
      double[] p = probabilities.clone();
      for (int k = 0; k < p.length; k++) {
        p[k] /= count;
      }
      return Map.of("fractions", Arrays.copyOf(fractions, p.length), "probabilities", p);
    }
  }

  /** Scores with the per-finding quality measures {@code quality} and their settings. */
  public MethodScores(List<String> quality, QualityMeasures.Settings settings) {
    this.quality = quality;
    this.settings = settings;
  }

  /**
   * One finding of {@code label}: the map {@code e} (by {@code explainer}) scored in
   * {@code scope} — the pointing game, the energy inside, IoU at {@code iouThreshold} and each
   * quality measure.
   */
  public void add(String label, FindingScope scope, Explanation e, double iouThreshold, Explainer explainer) {
    LabelSums sums = labels.computeIfAbsent(label, k -> new LabelSums());
    sums.cases++;
    sums.hits += scope.pointingHit() ? 1 : 0;
    sums.energy += MapAgreement.energyInside(scope.heat(), scope.mask());
    sums.iou += MapAgreement.iou(scope.heat(), scope.mask(), iouThreshold);
    for (String measure : quality) {
      QualityMeasures.Scored scored = QualityMeasures.score(measure, scope, explainer, e, settings);
      double[] sum = sums.measures.computeIfAbsent(measure, k -> new double[scored.values().length]);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += scored.values()[i];
      }
      scored.curves().forEach((name, curve) -> sums.curves.computeIfAbsent(name, k -> new CurveSum(curve)).add(curve));
    }
  }

  /** Per label: cases, the means, and the mean curves under {@code curves} when there are any. */
  public Map<String, Object> report() {
    Map<String, Object> out = new LinkedHashMap<>();
    labels.forEach((label, sums) -> {
      Map<String, Object> scores = new LinkedHashMap<>();
      scores.put("cases", sums.cases);
      scores.put("pointingGame", sums.hits / sums.cases);
      scores.put("energyInside", sums.energy / sums.cases);
      scores.put("iou", sums.iou / sums.cases);
      sums.measures.forEach((measure, sum) -> {
        double[] means = sum.clone();
        for (int i = 0; i < means.length; i++) {
          means[i] /= sums.cases;
        }
        scores.putAll(QualityMeasures.summary(measure, means));
      });
      if (!sums.curves.isEmpty()) {
        Map<String, Object> curves = new LinkedHashMap<>();
        sums.curves.forEach((name, sum) -> curves.put(name, sum.mean()));
        scores.put("curves", curves);
      }
      out.put(label, scores);
    });
    return out;
  }
}
