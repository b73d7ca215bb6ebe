package dev.lumen.core.explain.gradient;

import dev.lumen.core.LumenException;
import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.GraphEmitter;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.preprocess.Layout;
import java.util.ArrayList;
import java.util.List;

/**
 * A model compiled with a gradient-weighted CAM: the gradient graph of the layer plus the
 * formula's nodes, so one run outputs the scores and {@link #MAP}, the maps of every target
 * ({@code [K, N, h, w]}, after the final ReLU). With a heat map it also outputs
 * {@link #HEATMAP}: each map min–max normalised and bilinearly resized to the model input
 * ({@code [K, N, H, W]}), which is what {@code lumen export} writes for other runtimes.
 */
public final class CamGraph {
  /** The output holding the raw maps. */
  public static final String MAP = "lumen_map";
  /** The output holding the normalised maps at the input's size. */
  public static final String HEATMAP = "lumen_heatmap";

  private CamGraph() {}

  /**
   * {@code graph} with the gradients {@code request} asks for (its one tensor is the layer, laid
   * out as {@code layout}) and the maps of {@code formula}; the heat maps too when
   * {@code inputSize} ({@code {H, W}}) is given.
   */
  public static OnnxGraph compile(OnnxGraph graph, TensorShapes shapes, GradientRequest request, CamFormula formula,
                                  Layout layout, int[] inputSize) {
    String layer = request.wrt().get(0);
    long[] shape = shapes.of(layer);
    if (shape.length != 4) {
      throw new LumenException(graph.source() + ": " + formula.method() + " needs a feature map, but '" + layer
          + "' has rank " + shape.length);
    }
    int positions = (int) (layout == Layout.NHWC ? shape[1] * shape[2] : shape[2] * shape[3]);
    OnnxGraph gradients = Autodiff.compile(graph, shapes, request);
    GraphEmitter e = new GraphEmitter(graph.opset(), "lumen_cam_");
    String raw = formula.emit(e, layer, Autodiff.gradientOf(layer), new CamAxes(layout, positions));
    e.opNamed(MAP, "Relu", List.of(raw));
    List<String> outputs = new ArrayList<>(List.of(MAP));
    if (inputSize != null) {
      heatmap(e, inputSize);
      outputs.add(HEATMAP);
    }
    List<ai.onnx.proto.OnnxMl.NodeProto> nodes = new ArrayList<>(gradients.nodeProtos());
    nodes.addAll(e.nodes());
    return gradients.rebuilt(nodes, e.constants(), List.of(), outputs);
  }

  /** Min–max per map (a constant map becomes zeros), then a bilinear resize to the input. */
  private static void heatmap(GraphEmitter e, int[] inputSize) {
    long[] plane = {2, 3};
    String min = e.reduce("ReduceMin", MAP, plane, true);
    String max = e.reduce("ReduceMax", MAP, plane, true);
    String range = e.op("Max", List.of(e.op("Sub", List.of(max, min)), e.scalar(1e-30f)));
    String normalised = e.op("Div", List.of(e.op("Sub", List.of(MAP, min)), range));
    String outer = e.op("Slice", List.of(e.op("Shape", List.of(MAP)), e.ints(0), e.ints(2), e.ints(0)));
    String sizes = e.op("Concat", List.of(outer, e.ints(inputSize[0], inputSize[1])),
        dev.lumen.core.autodiff.Attributes.integer("axis", 0));
    e.opNamed(HEATMAP, "Resize", List.of(normalised, e.floats(new float[0], 0), e.floats(new float[0], 0), sizes),
        dev.lumen.core.autodiff.Attributes.text("mode", "linear"),
        dev.lumen.core.autodiff.Attributes.text("coordinate_transformation_mode", "half_pixel"));
  }
}
