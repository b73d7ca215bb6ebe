package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.Seed;
import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Gradient-weighted class activation maps at one layer — Grad-CAM, Grad-CAM++, XGrad-CAM,
 * HiResCAM, Grad-CAM element-wise, LayerCAM (see {@link CamFormula}) — for any head: the layer's
 * activations and the gradients of every target come from one compiled run per batch.
 *
 * <p>Post-processing as pytorch-grad-cam: ReLU of the map, min–max per map, bilinear upsampling.
 * Several layers at once ({@link #at}) are averaged at the input's resolution after min–max.
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
  private final List<String> layers;
  private final List<Layout> layouts;

  private GradientCam(Model model, CamFormula formula, List<String> layers, List<Layout> layouts) {
    super(model);
    this.formula = formula;
    this.layers = List.copyOf(layers);
    this.layouts = List.copyOf(layouts);
  }

  /** {@code formula} at the model's default explanation layer. */
  public static GradientCam of(Model model, CamFormula formula) {
    LayerChoice choice = LayerChoice.of(model);
    return new GradientCam(model, formula, List.of(choice.layer()), List.of(choice.layout()));
  }

  /**
   * {@code formula} at {@code layers}; several layers' maps are normalised, brought to the input's
   * size and averaged. A layer's layout is the default layer's when it is that layer, else the
   * input's (NHWC models keep NHWC between their operators).
   */
  public static GradientCam at(Model model, CamFormula formula, List<String> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("name at least one layer");
    }
    List<Layout> layouts = layers.stream().map(l -> LayerChoice.at(model, l).layout()).toList();
    return new GradientCam(model, formula, layers, layouts);
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
    return CamGraph.compile(model.graph(), model.shapes(), request, formula, layouts, inputSize(), true);
  }

  @Override
  public String method() {
    return formula.method();
  }

  /** The layer, or the layers joined by {@code +}. */
  @Override
  public String layer() {
    return String.join("+", layers);
  }

  /** At one layer: the formulas' sums run over a 3D map's whole volume. */
  @Override
  boolean explainsVolumetric() {
    return layers.size() == 1;
  }

  @Override
  List<String> wrt() {
    return layers;
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
    return CamGraph.compile(model.graph(), shapes, request, formula, layouts, inputSize(), false);
  }

  private int[] inputSize() {
    return new int[] {model.input().height(), model.input().width()};
  }

  @Override
  Tensor rawMap(Map<String, Tensor> item) {
    return item.get(CamGraph.MAP);
  }
}
