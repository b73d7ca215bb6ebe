package dev.lumen.core.explain;

import dev.lumen.core.Version;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Assembles a study's explanations from the raw maps an explainer computed, one per target. */
public final class Explanations {
  private Explanations() {}

  /**
   * One explanation per target: the raw map, its heat map ({@code normalize} per slice, then
   * the original geometry) and the provenance of {@code method} at {@code layer}.
   */
  public static List<Explanation> of(Model model, String method, String layer, Prediction prediction,
                                     List<LabelScore> targets, List<Tensor> raws, Geometry geometry,
                                     UnaryOperator<float[]> normalize) {
    return of(model, method, layer, prediction, targets, raws, java.util.Collections.nCopies(raws.size(),
        Optional.empty()), geometry, normalize);
  }

  /** As {@link #of}, with each target's input-shaped attribution ({@link Explanation#attribution}). */
  public static List<Explanation> of(Model model, String method, String layer, Prediction prediction,
                                     List<LabelScore> targets, List<Tensor> raws, List<Optional<Tensor>> attributions,
                                     Geometry geometry, UnaryOperator<float[]> normalize) {
    return of(model, method, layer, prediction, targets, raws, attributions,
        raw -> Maps.toImageSpace(raw, geometry, normalize));
  }

  /**
   * As {@link #of}, for a 3D convolutional model's exam of {@code slices} slices: each raw map
   * ({@code [d, h, w]}) normalised over the volume and resampled trilinearly ({@link Volumetric}).
   */
  public static List<Explanation> ofVolumetric(Model model, String method, String layer, Prediction prediction,
                                               List<LabelScore> targets, List<Tensor> raws,
                                               List<Optional<Tensor>> attributions, int slices, Geometry geometry,
                                               UnaryOperator<float[]> normalize) {
    return of(model, method, layer, prediction, targets, raws, attributions,
        raw -> Volumetric.heatmap(raw, slices, geometry, normalize));
  }

  private static List<Explanation> of(Model model, String method, String layer, Prediction prediction,
                                      List<LabelScore> targets, List<Tensor> raws, List<Optional<Tensor>> attributions,
                                      UnaryOperator<Tensor> heatmap) {
    Provenance provenance = new Provenance(model.name(), model.sha256(), method, layer, Version.get());
    List<Explanation> out = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      Tensor raw = raws.get(t);
      out.add(new Explanation(prediction.source(), prediction, targets.get(t), raw,
          heatmap.apply(raw), provenance, attributions.get(t)));
    }
    return out;
  }
}
