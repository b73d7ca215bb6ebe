package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.explain.FeatureSlices;
import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.explain.cam.EigenCam;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Eigen-Grad-CAM (pytorch-grad-cam): the projection of {@code G ⊙ A} — the layer's activations
 * weighted element-wise by the target's gradients — on its first principal component, ReLU,
 * min–max, upsampled. Class-specific, unlike Eigen-CAM.
 *
 * <p>Cost: one forward and head-backward run per batch for every target together, and a power
 * iteration per map.
 */
public final class EigenGradCam extends GradientExplainer {
  private final String layer;
  private final Layout layout;

  private EigenGradCam(Model model, LayerChoice choice) {
    super(model);
    this.layer = choice.layer();
    this.layout = choice.layout();
  }

  /** Eigen-Grad-CAM at the model's default explanation layer. */
  public static EigenGradCam of(Model model) {
    return new EigenGradCam(model, LayerChoice.of(model));
  }

  /** Eigen-Grad-CAM at the feature map {@code layer} ({@link LayerChoice#at}). */
  public static EigenGradCam at(Model model, String layer) {
    return new EigenGradCam(model, LayerChoice.at(model, layer));
  }

  @Override
  public String method() {
    return "eigengradcam";
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  List<String> wrt() {
    return List.of(layer);
  }

  /** The principal component runs over the whole volume's voxels, as Eigen-CAM's does. */
  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  Tensor rawMap(Map<String, Tensor> item) {
    float[] a = item.get(layer).unsafeData();
    float[] g = item.get(Autodiff.gradientOf(layer)).unsafeData();
    float[] weighted = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      weighted[i] = a[i] * g[i];
    }
    return EigenCam.projection(FeatureSlices.of(Tensor.of(weighted, item.get(layer).shape()), layout),
        model.input().volumetric());
  }
}
