package dev.lumen.core.explain.cam;

import dev.lumen.core.explain.FeatureSlices;
import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.PrincipalComponent;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Eigen-CAM (Muhammad &amp; Yeasin, IJCNN 2020): the projection of the layer's activations on
 * their first principal component ({@link PrincipalComponent}), ReLU, min–max, upsampled. It
 * uses no gradient and no class: every target gets the same map.
 *
 * <p>Cost: one forward pass per batch and a power iteration per map.
 */
public final class EigenCam extends FeatureMapExplainer {
  private EigenCam(Model model, LayerChoice choice) {
    super(model, choice.layer(), choice.layout());
  }

  /** Eigen-CAM at the model's default explanation layer. */
  public static EigenCam of(Model model) {
    return new EigenCam(model, LayerChoice.of(model));
  }

  /** Eigen-CAM at the feature map {@code layer} ({@link LayerChoice#at}). */
  public static EigenCam at(Model model, String layer) {
    return new EigenCam(model, LayerChoice.at(model, layer));
  }

  @Override
  public String method() {
    return "eigencam";
  }

  @Override
  List<Tensor> rawMaps(Tensor features, Tensor scores, Tensor input, List<LabelScore> targets,
                       Progress progress) {
    FeatureSlices a = FeatureSlices.of(features, layout);
    float[] out = new float[a.slices() * a.plane()];
    for (int s = 0; s < a.slices(); s++) {
      float[] projection = PrincipalComponent.projection(a.slice(s));
      for (int p = 0; p < projection.length; p++) {
        out[s * a.plane() + p] = Math.max(projection[p], 0);
      }
    }
    Tensor map = Tensor.of(out, a.slices(), a.height(), a.width());
    List<Tensor> maps = new ArrayList<>();
    targets.forEach(t -> maps.add(map));
    return maps;
  }
}
