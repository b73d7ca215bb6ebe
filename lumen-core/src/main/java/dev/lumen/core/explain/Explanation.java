package dev.lumen.core.explain;

import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.tensor.Tensor;
import java.util.Map;
import java.util.Optional;

/**
 * One saliency map: why the model gave {@code target} its score on {@code source}.
 *
 * @param source the image or exam (a file name)
 * @param prediction the model's scores for it
 * @param target the explained label with its score
 * @param raw the method's unnormalised map as {@code [slices, h, w]} at the explained layer's
 *     resolution (one slice for 2D images), for metrics; for a 3D convolutional model
 *     {@code [d, h, w]}, the layer's own depth
 * @param heatmap the map normalised to [0, 1] per slice (over the whole volume for a 3D model)
 *     and resampled to the original image's geometry, {@code [slices, height, width]}, for display
 * @param provenance model, method, layer and Lumen version
 * @param attribution for methods that attribute to input elements (saliency, guided backprop,
 *     integrated gradients, guided Grad-CAM, ...): the attribution of every element of the
 *     model input, {@code [slices, channels, h, w]} as Captum returns it (the raw map reduces
 *     its channels); empty for the others
 * @param details what the method reports of how it made this map, for a manifest to carry (an
 *     early-stopped KernelSHAP's coalitions scored, ...); empty for most methods
 */
public record Explanation(String source, Prediction prediction, LabelScore target, Tensor raw,
                          Tensor heatmap, Provenance provenance, Optional<Tensor> attribution,
                          Map<String, Object> details) {
  public Explanation {
    details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    if (raw.rank() != 3 || heatmap.rank() != 3) {
      throw new IllegalArgumentException("raw and heatmap must be [slices, h, w], got " + raw + " and " + heatmap);
    }
    if (attribution.isPresent() && (attribution.get().rank() != 4 || attribution.get().dim(0) != raw.dim(0))) {
      throw new IllegalArgumentException("attribution must be [slices, channels, h, w], got " + attribution.get());
    }
  }

  /** An explanation without details. */
  public Explanation(String source, Prediction prediction, LabelScore target, Tensor raw, Tensor heatmap,
                     Provenance provenance, Optional<Tensor> attribution) {
    this(source, prediction, target, raw, heatmap, provenance, attribution, Map.of());
  }

  /** An explanation without an input-shaped attribution. */
  public Explanation(String source, Prediction prediction, LabelScore target, Tensor raw, Tensor heatmap,
                     Provenance provenance) {
    this(source, prediction, target, raw, heatmap, provenance, Optional.empty());
  }

  /** This explanation with {@code details}. */
  public Explanation withDetails(Map<String, Object> details) {
    return new Explanation(source, prediction, target, raw, heatmap, provenance, attribution, details);
  }

  /** The number of slices of the heat map (1 for a 2D image). */
  public int slices() {
    return heatmap.dim(0);
  }

  /** The normalised map of slice {@code s} as {@code [height, width]}. */
  public Tensor heatmap(int s) {
    return heatmap.slice(s);
  }
}
