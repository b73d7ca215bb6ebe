package dev.lumen.core.explain;

import dev.lumen.core.LumenException;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.DepthResample;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * How 3D convolutional models' tensors meet the per-slice machinery of explanations: one exam's
 * {@code [1, C, D, H, W]} values read depth first as {@code [D, C, H, W]} (slices of feature
 * maps), and a raw map {@code [d, h, w]} turned into the exam's heat map — normalised over the
 * whole volume, then resampled trilinearly (linearly along depth, bilinearly in each slice) to
 * the exam's slices and geometry, as pytorch-grad-cam does for 3D Grad-CAM.
 */
public final class Volumetric {
  /** The methods that explain 3D convolutional models, for messages. */
  public static final String METHODS = "cam, gradcam, gradcam++, xgradcam, hirescam, gradcam-elementwise, layercam, "
      + "saliency, inputxgradient, guidedbackprop, deconvnet, integratedgradients, the SmoothGrad family and occlusion";

  private Volumetric() {}

  /**
   * Fails for a 3D convolutional model unless {@code method} {@code explains} such models.
   *
   * @throws LumenException naming the model and the methods that do
   */
  public static void require(Model model, String method, boolean explains) {
    if (model.input().volumetric() && !explains) {
      throw new LumenException(model.name() + " is a 3D convolutional model, which " + method + " does not explain "
          + "yet; " + METHODS + " do");
    }
  }

  /**
   * One exam's tensor depth first: {@code [1, C, D, H, W]} as {@code [D, C, H, W]}, a map
   * {@code [1, d, h, w]} as {@code [d, h, w]}.
   */
  public static Tensor depthFirst(Tensor t) {
    if (t.dim(0) != 1 || (t.rank() != 5 && t.rank() != 4)) {
      throw new IllegalArgumentException("one exam's volumetric values are [1, C, D, H, W] or [1, d, h, w], got " + t);
    }
    if (t.rank() == 4) {
      return t.reshape(t.dim(1), t.dim(2), t.dim(3));
    }
    int c = t.dim(1);
    int d = t.dim(2);
    int plane = t.dim(3) * t.dim(4);
    float[] src = t.unsafeData();
    float[] out = new float[src.length];
    for (int ch = 0; ch < c; ch++) {
      for (int z = 0; z < d; z++) {
        System.arraycopy(src, (ch * d + z) * plane, out, (z * c + ch) * plane, plane);
      }
    }
    return Tensor.of(out, d, c, t.dim(3), t.dim(4));
  }

  /** The heat map of {@code raw} ({@code [d, h, w]}) over an exam of {@code slices} slices of {@code geometry}. */
  public static Tensor heatmap(Tensor raw, int slices, Geometry geometry, UnaryOperator<float[]> normalize) {
    Tensor normalised = Tensor.of(normalize.apply(raw.unsafeData()), raw.shape());
    return Maps.toImageSpace(DepthResample.to(normalised, slices), geometry, v -> v);
  }
}
