package dev.lumen.core.explain.lime;

import dev.lumen.core.explain.Explanation;
import java.util.List;

/**
 * One LIME explanation with what the surrogate learnt.
 *
 * @param explanation the map (every pixel carries its superpixel's weight) and its heat map
 *     (the positive part, scaled to its maximum)
 * @param segments the superpixels of every slice (one for a 2D image), at the model input's size
 * @param weights the surrogate's weight of every superpixel, slices one after another (0 for
 *     superpixels feature selection left out)
 * @param intercept the surrogate's intercept
 * @param r2 the surrogate's weighted R² on the samples: how well it mimics the model locally
 * @param localPrediction the surrogate's prediction for the unperturbed image
 * @param modelPrediction the model's probability of the target for the unperturbed image
 * @param samples the samples the surrogate was fitted on: all of them, or fewer when the weights
 *     settled first ({@link Lime.Settings#tolerance})
 * @param phases where the study's explanation spent its time (shared by its targets)
 */
public record LimeResult(Explanation explanation, List<Segments> segments, double[] weights, double intercept,
                         double r2, double localPrediction, double modelPrediction, int samples, Phases phases) {
  public LimeResult {
    segments = List.copyOf(segments);
    weights = weights.clone();
  }

  /**
   * What the surrogate learnt, as a report or manifest writes it: {@code r2}, {@code intercept},
   * {@code localPrediction}, {@code modelPrediction}, {@code superpixels} (their count),
   * {@code samples}, {@code weights} and {@code phasesMs}.
   */
  public java.util.Map<String, Object> summary() {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("r2", r2);
    out.put("intercept", intercept);
    out.put("localPrediction", localPrediction);
    out.put("modelPrediction", modelPrediction);
    out.put("superpixels", segments.stream().mapToInt(Segments::count).sum());
    out.put("samples", samples);
    out.put("weights", weights());
    out.put("phasesMs", phases);
    return out;
  }

  /** This result with {@code phases}. */
  LimeResult withPhases(Phases phases) {
    return new LimeResult(explanation, segments, weights, intercept, r2, localPrediction, modelPrediction, samples,
        phases);
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /**
   * The superpixels ({@code [slice, segment]}) with the {@code k} largest weights (largest
   * magnitudes unless {@code positiveOnly}), largest first.
   */
  public List<int[]> top(int k, boolean positiveOnly) {
    List<int[]> all = new java.util.ArrayList<>();
    for (int s = 0; s < segments.size(); s++) {
      for (int g = 0; g < segments.get(s).count(); g++) {
        double w = weight(s, g);
        if (w != 0 && (!positiveOnly || w > 0)) {
          all.add(new int[] {s, g});
        }
      }
    }
    all.sort(java.util.Comparator.comparingDouble((int[] sg) -> -Math.abs(weight(sg[0], sg[1]))));
    return all.subList(0, Math.min(k, all.size()));
  }

  /** The weight of segment {@code segment} of slice {@code slice}. */
  public double weight(int slice, int segment) {
    int offset = 0;
    for (int s = 0; s < slice; s++) {
      offset += segments.get(s).count();
    }
    return weights[offset + segment];
  }
}
