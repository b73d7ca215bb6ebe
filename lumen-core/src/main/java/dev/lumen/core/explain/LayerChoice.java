package dev.lumen.core.explain;

import dev.lumen.core.model.Head;
import dev.lumen.core.model.Layer;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.Layout;
import java.util.List;

/**
 * The layer a feature-map method explains, and its layout.
 *
 * @param layer the tensor
 * @param layout whether its axes are [n, K, h, w] or [n, h, w, K]
 */
public record LayerChoice(String layer, Layout layout) {

  /** The head's pooled feature map when the model has such a head, else the model's default layer (NCHW). */
  public static LayerChoice of(Model model) {
    try {
      Head head = model.head();
      return new LayerChoice(model.card().layer() != null ? model.card().layer() : head.feature(), head.layout());
    } catch (Head.NotLinearHead e) {
      return new LayerChoice(model.defaultLayer(), Layout.NCHW);
    }
  }

  /**
   * The feature map {@code layer}, as pytorch-grad-cam's {@code target_layers} take any layer.
   * Its layout is the default layer's when it is that layer, else the input's (NHWC models keep
   * NHWC between their operators).
   *
   * @throws IllegalArgumentException naming the spatial feature maps when {@code layer} is not one
   */
  public static LayerChoice at(Model model, String layer) {
    LayerChoice preferred = of(model);
    if (layer.equals(preferred.layer())) {
      return preferred;
    }
    List<Layer> spatial = model.layers().stream().filter(Layer::isSpatial).toList();
    if (spatial.stream().noneMatch(l -> l.tensor().equals(layer))) {
      throw new IllegalArgumentException("layer '" + layer + "' is not a spatial feature map of " + model.name()
          + "; they are: " + spatial.stream().map(Layer::tensor).toList() + " (`lumen inspect` lists them)");
    }
    return new LayerChoice(layer, model.input().layout());
  }
}
