package dev.lumen.app.evaluate;

import dev.lumen.core.LumenException;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.Model;
import dev.lumen.core.quality.CopyScorer;
import dev.lumen.core.quality.PerturbationCurve;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One method's scores per label as the findings come: the pointing game, the energy inside and
 * IoU, the quality measures asked for, and the mean of each perturbation curve; then the report's
 * entry of each label. A finding in an exam or a volume is scored on the slice its map ranks
 * hottest ({@link #addHottestSlice}).
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
   * One finding of {@code label}: the map {@code e} (by {@code explainer}) of a finding on
   * {@code image}, {@code heat} its heat map there and {@code mask} the finding — the pointing
   * game, the energy inside, IoU at {@code iouThreshold} and each quality measure, whose perturbed
   * copies {@code scorer} scores.
   */
  public void add(String label, Image image, Explanation e, float[] heat, float[] mask, double iouThreshold,
      CopyScorer scorer, Explainer explainer) {
    add(label, image, null, e, heat, mask, iouThreshold, scorer, explainer);
  }

  /** {@link #add} of a finding on {@code image}, the slice of {@code volume} its map ranks hottest (null: none). */
  private void add(String label, Image image, Volume volume, Explanation e, float[] heat, float[] mask,
      double iouThreshold, CopyScorer scorer, Explainer explainer) {
    LabelSums sums = labels.computeIfAbsent(label, k -> new LabelSums());
    sums.cases++;
    sums.hits += MapAgreement.pointingHit(heat, mask, image.width(),
        MapAgreement.pointingTolerance(Math.max(image.width(), image.height()))) ? 1 : 0;
    sums.energy += MapAgreement.energyInside(heat, mask);
    sums.iou += MapAgreement.iou(heat, mask, iouThreshold);
    for (String measure : quality) {
      QualityMeasures.Scored scored = QualityMeasures.score(measure, scorer, explainer, image, volume, e, heat, mask,
          settings);
      double[] sum = sums.measures.computeIfAbsent(measure, k -> new double[scored.values().length]);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += scored.values()[i];
      }
      scored.curves().forEach((name, curve) -> sums.curves.computeIfAbsent(name, k -> new CurveSum(curve)).add(curve));
    }
  }

  /**
   * One finding of {@code label} in {@code volume}, an exam of the volume model {@code model}:
   * {@code map}'s scores, as {@link #add} takes them, on the slice the map ranks hottest (the
   * slice holding its largest value) against that slice of {@code mask} — a 3D pointing game (a
   * hit when that slice's peak lies within the pointing tolerance of the finding there) — each
   * perturbed copy of the slice scored within the whole exam.
   *
   * @param mask the finding, {@code [slices, height, width]} as the volume, non-zero on it
   * @throws LumenException naming the exam when the mask is not of the volume's shape
   */
  public void addHottestSlice(String label, Model model, Volume volume, Explanation map, Tensor mask,
      double iouThreshold, Explainer explainer) {
    Image first = volume.slices().get(0);
    long[] shape = {volume.depth(), first.height(), first.width()};
    if (!Arrays.equals(mask.shape(), shape)) {
      throw new LumenException(Path.of(volume.source()), "the mask of " + label + " has shape "
          + Arrays.toString(mask.shape()) + " but the exam is " + Arrays.toString(shape) + " (slices, height, width)");
    }
    int slice = HottestSlice.of(map);
    add(label, volume.slices().get(slice), volume, map, map.heatmap(slice).unsafeData(),
        mask.slice(slice).unsafeData(), iouThreshold, CopyScorer.slice(model, volume, slice), explainer);
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
