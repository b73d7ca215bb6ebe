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

  /** The principal component of the whole volume's activations for a 3D model, of each slice's otherwise. */
  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  List<Tensor> rawMaps(Tensor features, Tensor scores, Tensor input, List<LabelScore> targets,
                       Progress progress) {
    Tensor map = projection(FeatureSlices.of(features, layout), model.input().volumetric());
    List<Tensor> maps = new ArrayList<>();
    targets.forEach(t -> maps.add(map));
    return maps;
  }

  /**
   * The ReLU of {@code maps} projected on their first principal component: {@code [slices, h, w]},
   * one component per slice (an image, a slice of an exam), or one for the whole stack when it is
   * a 3D model's volume ({@code wholeVolume}) — as pytorch-grad-cam flattens a 3D layer's voxels.
   */
  public static Tensor projection(FeatureSlices maps, boolean wholeVolume) {
    int plane = maps.plane();
    float[] out = new float[maps.slices() * plane];
    if (wholeVolume) {
      System.arraycopy(PrincipalComponent.projection(maps.whole()), 0, out, 0, out.length);
    } else {
      for (int s = 0; s < maps.slices(); s++) {
        System.arraycopy(PrincipalComponent.projection(maps.slice(s)), 0, out, s * plane, plane);
      }
    }
    for (int p = 0; p < out.length; p++) {
      out[p] = Math.max(out[p], 0);
    }
    return Tensor.of(out, maps.slices(), maps.height(), maps.width());
  }
}
