package dev.lumen.core.explain.cam;

import dev.lumen.core.LumenException;
import dev.lumen.core.Version;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Provenance;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Head;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
public final class Cam implements Explainer {
  private final Model model;
  private final Head head;

  private Cam(Model model, Head head) {
    this.model = model;
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
  public String layer() {
    return head.feature();
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets) {
    model.requireImages();
    List<List<Explanation>> out = new ArrayList<>();
    for (List<Image> batch : model.batches(images)) {
      Map<String, Tensor> run = model.run(model.preprocessor().toInput(batch), List.of(head.feature()));
      Tensor features = run.get(head.feature());
      for (int i = 0; i < batch.size(); i++) {
        Image image = batch.get(i);
        Prediction prediction = model.prediction(image.source(), run.get(model.scoresName()), i);
        Tensor f = features.slice(i);
        out.add(explainAll(image.source(), prediction, targets, List.of(f), model.preprocessor().geometry(image)));
      }
    }
    return out;
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets) {
    model.requireVolume(volume.source());
    Map<String, Tensor> run = model.run(model.preprocessor().toInput(volume.slices()), List.of(head.feature()));
    Tensor features = run.get(head.feature());
    if (features.dim(0) != volume.depth()) {
      throw new LumenException(model.name() + ": feature map " + head.feature() + " has " + features.dim(0)
          + " slices for an exam of " + volume.depth());
    }
    List<Tensor> perSlice = new ArrayList<>();
    for (int s = 0; s < volume.depth(); s++) {
      perSlice.add(features.slice(s));
    }
    Prediction prediction = model.prediction(volume.source(), run.get(model.scoresName()), 0);
    return explainAll(volume.source(), prediction, targets, perSlice,
        model.preprocessor().geometry(volume.slices().get(0)));
  }

  private List<Explanation> explainAll(String source, Prediction prediction, Targets targets,
                                       List<Tensor> slices, Geometry geometry) {
    Provenance provenance = new Provenance(model.name(), model.sha256(), method(), layer(), Version.get());
    List<Explanation> out = new ArrayList<>();
    for (LabelScore target : targets.select(model, prediction)) {
      List<Tensor> maps = new ArrayList<>();
      for (Tensor f : slices) {
        maps.add(classMap(f, target.index()));
      }
      Tensor raw = Tensor.stack(maps);
      out.add(new Explanation(source, prediction, target, raw, Maps.toImageSpace(raw, geometry), provenance));
    }
    return out;
  }

  /** {@code sum_k w_ck F_k} for one feature map ({@code [K, h, w]}, or {@code [h, w, K]} for NHWC). */
  Tensor classMap(Tensor f, int c) {
    boolean nhwc = head.layout() == Layout.NHWC;
    int k = nhwc ? f.dim(2) : f.dim(0);
    int h = nhwc ? f.dim(0) : f.dim(1);
    int w = nhwc ? f.dim(1) : f.dim(2);
    float[] data = f.unsafeData();
    float[] map = new float[h * w];
    if (head.weights().isEmpty()) {
      for (int p = 0; p < h * w; p++) {
        map[p] = nhwc ? data[p * k + c] : data[c * h * w + p];
      }
      return Tensor.of(map, h, w);
    }
    Tensor linear = head.weights().get();
    if (linear.dim(1) != k) {
      throw new LumenException(model.name() + ": the linear layer takes " + linear.dim(1)
          + " features but " + head.feature() + " has " + k + " channels");
    }
    float[] weights = linear.unsafeData();
    for (int ch = 0; ch < k; ch++) {
      float wck = weights[c * k + ch];
      for (int p = 0; p < h * w; p++) {
        map[p] += wck * (nhwc ? data[p * k + ch] : data[ch * h * w + p]);
      }
    }
    return Tensor.of(map, h, w);
  }
}
