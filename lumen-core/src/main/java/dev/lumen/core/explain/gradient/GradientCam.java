package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.Propagation;
import dev.lumen.core.autodiff.Seed;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Gradient-weighted class activation maps at one layer — Grad-CAM, Grad-CAM++, XGrad-CAM,
 * HiResCAM, Grad-CAM element-wise, LayerCAM (see {@link CamFormula}) — for any head: the layer's
 * activations and the gradients of every target come from one compiled run per batch.
 *
 * <p>Post-processing as pytorch-grad-cam: ReLU of the map, min–max per map, bilinear upsampling.
 * For volume models each slice is weighted with its own gradients, as if the slices were a batch
 * of images sharing the exam's score: a slice shows the evidence it contributed to the score.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("chest-demo.onnx"))) {
 *   Explanation e = GradientCam.of(model, CamFormula.GRADCAM).explain(Images.read(Path.of("study.png")));
 * }
 * }</pre>
 */
public final class GradientCam extends GradientExplainer {
  private final CamFormula formula;
  private final String layer;
  private final Layout layout;

  private GradientCam(Model model, CamFormula formula, String layer, Layout layout) {
    super(model);
    this.formula = formula;
    this.layer = layer;
    this.layout = layout;
  }

  /** {@code formula} at the model's default explanation layer. */
  public static GradientCam of(Model model, CamFormula formula) {
    LayerChoice choice = LayerChoice.of(model);
    return new GradientCam(model, formula, choice.layer(), choice.layout());
  }

  /**
   * {@code formula} at {@code layer}: the default layer's layout when it is that layer, else the
   * input's (NHWC models keep NHWC between their operators).
   */
  public static GradientCam at(Model model, CamFormula formula, String layer) {
    LayerChoice choice = LayerChoice.of(model);
    return new GradientCam(model, formula, layer, layer.equals(choice.layer()) ? choice.layout() : model.input().layout());
  }

  /**
   * A standalone ONNX model that outputs the model's scores, {@link CamGraph#MAP} (the raw maps
   * of {@code targets}, {@code [K, N, h, w]}), {@link CamGraph#HEATMAP} (normalised, at the
   * input's size) and, for top-k targets, {@code lumen_targets}: "model + Grad-CAM" in one file
   * that any ONNX runtime can serve.
   */
  public OnnxGraph export(Targets targets) {
    Seed seed = targets instanceof Targets.Top top ? Seed.topK(top.k())
        : targets instanceof Targets.Named named
            ? Seed.labels(named.labels().stream().mapToInt(model::labelIndex).toArray())
            : Seed.labels(java.util.stream.IntStream.range(0, model.labels().size()).toArray());
    GradientRequest request = new GradientRequest(model.logitsName(), wrt(), seed, propagation());
    return CamGraph.compile(model.graph(), model.shapes(), request, formula, layout,
        new int[] {model.input().height(), model.input().width()});
  }

  @Override
  public String method() {
    return formula.method();
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  List<String> wrt() {
    return List.of(layer);
  }

  @Override
  Propagation propagation() {
    return Propagation.GRADIENT;
  }

  @Override
  UnaryOperator<float[]> normalization() {
    return Maps::minMax;
  }

  @Override
  List<String> perItem() {
    return List.of();
  }

  @Override
  List<String> perTarget() {
    return List.of(CamGraph.MAP);
  }

  @Override
  OnnxGraph compile(GradientRequest request, TensorShapes shapes) {
    return CamGraph.compile(model.graph(), shapes, request, formula, layout, null);
  }

  @Override
  Tensor rawMap(Map<String, Tensor> item) {
    return item.get(CamGraph.MAP);
  }
}
