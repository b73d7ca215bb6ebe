package dev.lumen.core.explain;

import dev.lumen.core.LumenException;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.DepthAxis;
import dev.lumen.core.preprocess.DepthResample;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * How 3D convolutional models meet the per-slice machinery of explanations (their tensors are read
 * depth first, {@link DepthAxis}): which methods explain them, and how a raw map {@code [d, h, w]}
 * becomes the exam's heat map — normalised over the whole volume, then resampled trilinearly
 * (linearly along depth, bilinearly in each slice) to the exam's slices and geometry, as
 * pytorch-grad-cam does for 3D Grad-CAM.
 */
public final class Volumetric {
  private Volumetric() {}

  /**
   * Fails for a 3D convolutional model unless {@code method} {@code explains} such models.
   *
   * @throws LumenException naming the model and the methods that do
   */
  public static void require(Model model, String method, boolean explains) {
    if (model.input().volumetric() && !explains) {
      throw new LumenException(model.name() + " is a 3D convolutional model, which " + method + " does not explain "
          + "yet; every other method does (the Grad-CAM family at one layer at a time)");
    }
  }

  /** The heat map of {@code raw} ({@code [d, h, w]}) over an exam of {@code slices} slices of {@code geometry}. */
  public static Tensor heatmap(Tensor raw, int slices, Geometry geometry, UnaryOperator<float[]> normalize) {
    Tensor normalised = Tensor.of(normalize.apply(raw.unsafeData()), raw.shape());
    return Maps.toImageSpace(DepthResample.to(normalised, slices), geometry, v -> v);
  }
}
