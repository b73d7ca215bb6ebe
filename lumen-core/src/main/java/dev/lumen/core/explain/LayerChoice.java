package dev.lumen.core.explain;

import dev.lumen.core.model.Head;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.Layout;

/**
 * The layer a feature-map method explains by default, and its layout.
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
}
