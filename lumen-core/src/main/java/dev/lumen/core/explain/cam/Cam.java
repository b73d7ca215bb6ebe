package dev.lumen.core.explain.cam;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.LumenException;
import dev.lumen.core.model.Head;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Class activation mapping (Zhou et al., "Learning Deep Features for Discriminative
 * Localization", CVPR 2016): for a head of global average pooling + linear layer, the map of
 * class {@code c} is {@code sum_k w_ck F_k}, the feature maps weighted by the class's weights
 * (no bias). Maps are min–max normalised per map (per slice for volumes) and bilinearly
 * upsampled to the image.
 *
 * <p>Cost: one forward pass per batch, which also returns the feature map; the weighting is a
 * small matrix product. Volume models that take a max over slices get one map per slice.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("chest-demo.onnx"))) {
 *   Explanation e = Cam.of(model).explain(Images.read(Path.of("study.png")));
 *   float[] raw = e.raw().toArray();        // [1, h, w] at the feature map's resolution
 * }
 * }</pre>
 */
public final class Cam extends FeatureMapExplainer {
  private final Head head;

  private Cam(Model model, Head head) {
    super(model, head.feature(), head.layout());
    this.head = head;
  }

  /**
   * CAM for {@code model}.
   *
   * @throws LumenException if the model's head is not global average pooling + linear, saying
   *     why and pointing to gradient methods
   */
  public static Cam of(Model model) {
    try {
      return new Cam(model, model.head());
    } catch (Head.NotLinearHead e) {
      throw new LumenException(model.name() + ": CAM needs a head of global average pooling followed by a linear layer; "
          + e.getMessage() + ". Use a gradient method such as Grad-CAM, which works with any head");
    }
  }

  @Override
  public String method() {
    return "cam";
  }

  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  List<Tensor> rawMaps(Tensor features, Tensor scores, Tensor input, List<LabelScore> targets,
                       Progress progress) {
    List<Tensor> out = new ArrayList<>();
    for (LabelScore target : targets) {
      List<Tensor> slices = new ArrayList<>();
      for (int s = 0; s < features.dim(0); s++) {
        slices.add(classMap(features.slice(s), target.index()));
      }
      out.add(Tensor.stack(slices));
    }
    return out;
  }

  /** {@code sum_k w_ck F_k} for one feature map ({@code [K, h, w]}, or {@code [h, w, K]} for NHWC). */
  Tensor classMap(Tensor f, int c) {
    Tensor item = Tensor.stack(List.of(f));
    int k = channels(item);
    if (head.weights().isEmpty()) {
      float[] oneHot = new float[k];
      oneHot[c] = 1f;
      return weightedSum(item, oneHot).slice(0);
    }
    Tensor linear = head.weights().get();
    if (linear.dim(1) != k) {
      throw new LumenException(model.name() + ": the linear layer takes " + linear.dim(1)
          + " features but " + head.feature() + " has " + k + " channels");
    }
    float[] row = new float[k];
    System.arraycopy(linear.unsafeData(), c * k, row, 0, k);
    return weightedSum(item, row).slice(0);
  }
}
