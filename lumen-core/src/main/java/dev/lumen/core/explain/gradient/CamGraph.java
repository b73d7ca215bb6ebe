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
 * A model compiled with a gradient-weighted CAM: the gradient graph of the layers plus the
 * formula's nodes, so one run outputs the scores and {@link #MAP}, the maps of every target
 * ({@code [K, N, h, w]}, or {@code [K, N, d, h, w]} at a 3D model's layer, after the final ReLU).
 * With a heat map it also outputs
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
   * {@code graph} with the gradients {@code request} asks for (its tensors are the layers, laid
   * out as {@code layouts}) and the maps of {@code formula}. One layer's maps stay at its
   * resolution; several layers' maps are each min–max normalised, resized to the input
   * ({@code inputSize}, {@code {H, W}}) and averaged, as pytorch-grad-cam does. With
   * {@code heatmap} the graph also outputs {@link #HEATMAP}.
   */
  public static OnnxGraph compile(OnnxGraph graph, TensorShapes shapes, GradientRequest request, CamFormula formula,
                                  List<Layout> layouts, int[] inputSize, boolean heatmap) {
    OnnxGraph gradients = Autodiff.compile(graph, shapes, request);
    GraphEmitter e = new GraphEmitter(graph.opset(), "lumen_cam_");
    List<String> maps = new ArrayList<>();
    for (int i = 0; i < request.wrt().size(); i++) {
      String layer = request.wrt().get(i);
      long[] shape = shapes.of(layer);
      Layout layout = layouts.get(i);
      boolean volumetric = shape.length == 5 && layout == Layout.NCHW;
      if (shape.length != 4 && !volumetric) {
        throw new LumenException(graph.source() + ": " + formula.method() + " needs a feature map, but '" + layer
            + "' has rank " + shape.length);
      }
      if (volumetric && (heatmap || request.wrt().size() > 1)) {
        throw new LumenException(graph.source() + ": '" + layer + "' is a 3D feature map; exported heat maps and "
            + "several layers at once are for 2D models");
      }
      int positions = (int) (layout == Layout.NHWC ? shape[1] * shape[2]
          : java.util.Arrays.stream(shape, 2, shape.length).reduce(1, (a, b) -> a * b));
      String raw = formula.emit(e, layer, Autodiff.gradientOf(layer), new CamAxes(layout, shape.length - 2,
          positions));
      maps.add(e.op("Relu", List.of(raw)));
    }
    if (maps.size() == 1) {
      e.opNamed(MAP, "Identity", maps);
    } else {
      List<String> resized = maps.stream().map(m -> normalisedAtInput(e, m, inputSize)).toList();
      e.opNamed(MAP, "Mul", List.of(e.op("Sum", resized), e.scalar(1f / maps.size())));
    }
    List<String> outputs = new ArrayList<>(List.of(MAP));
    if (heatmap) {
      e.opNamed(HEATMAP, "Identity", List.of(normalisedAtInput(e, MAP, inputSize)));
      outputs.add(HEATMAP);
    }
    List<ai.onnx.proto.OnnxMl.NodeProto> nodes = new ArrayList<>(gradients.nodeProtos());
    nodes.addAll(e.nodes());
    return gradients.rebuilt(nodes, e.constants(), List.of(), outputs);
  }

  private static String normalisedAtInput(GraphEmitter e, String map, int[] inputSize) {
    return GraphMaps.resize(e, GraphMaps.minMax(e, map, new long[] {2, 3}), inputSize);
  }
}
