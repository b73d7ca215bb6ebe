package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.GraphEmitter;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FullGrad (Srinivas &amp; Fleuret, NeurIPS 2019), as pytorch-grad-cam computes it: the input
 * term {@code |x ⊙ dS/dx|} plus, for every convolution with a bias and every batch
 * normalisation (whose bias is {@code B − mean · scale / sqrt(var + eps)}), the bias term
 * {@code |dS/dz ⊙ b|} of its output {@code z}; each term's channels are min–max normalised,
 * summed, and resized to the input, and the terms added. A 3D model's terms are volumes: normalised
 * over all three axes and resized trilinearly. All of it is written as ONNX nodes
 * after the gradient graph, so one run gives the map of every target.
 *
 * <p>Cost: one forward and backward pass to the input per batch, for every target together.
 */
public final class FullGrad extends GradientExplainer {
  /** The output holding the maps, {@code [K, N, H, W]} ({@code [K, N, D, H, W]} for a 3D model). */
  static final String MAP = "lumen_fullgrad";

  private final List<Node> biased;

  private FullGrad(Model model) {
    super(model);
    List<Node> found = new ArrayList<>();
    int rank = model.input().volumetric() ? 5 : 4;
    for (Node node : model.graph().nodes()) {
      boolean convBias = node.opType().equals("Conv") && node.input(2).flatMap(model.graph()::constant).isPresent();
      if ((convBias || node.opType().equals("BatchNormalization")) && model.shapes().of(node.output()).length == rank) {
        found.add(node);
      }
    }
    this.biased = List.copyOf(found);
  }

  /** FullGrad for {@code model}. */
  public static FullGrad of(Model model) {
    return new FullGrad(model);
  }

  @Override
  public String method() {
    return "fullgrad";
  }

  @Override
  public String layer() {
    return model.input().name();
  }

  @Override
  List<String> wrt() {
    List<String> out = new ArrayList<>(List.of(model.input().name()));
    biased.forEach(n -> out.add(n.output()));
    return out;
  }

  @Override
  List<String> perItem() {
    return List.of();
  }

  @Override
  List<String> perTarget() {
    return List.of(MAP);
  }

  /** Each term's channels are min–max normalised over the whole volume of a 3D model, and resized trilinearly. */
  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  OnnxGraph compile(GradientRequest request, TensorShapes shapes) {
    OnnxGraph gradients = Autodiff.compile(model.graph(), shapes, request);
    GraphEmitter e = new GraphEmitter(model.graph().opset(), "lumen_fullgrad_");
    boolean volumetric = model.input().volumetric();
    // gradients are [K, N, C, (d,) h, w]: the map's axes follow the channel axis
    long[] spatial = volumetric ? new long[] {3, 4, 5} : new long[] {3, 4};
    String x = model.input().name();
    boolean nhwc = model.input().layout() == Layout.NHWC;
    String inputTerm = e.op("Abs", List.of(e.op("Mul", List.of(Autodiff.gradientOf(x), x))));
    if (model.input().rank() == 5 && !volumetric) {
      // [K, 1, S, ...] -> [K, S, ...]: an exam's slices are its maps
      long[] image = java.util.Arrays.copyOfRange(model.input().shape(1), 2, 5);
      inputTerm = e.op("Reshape", List.of(inputTerm, e.ints(0, -1, image[0], image[1], image[2])));
    }
    long[] plane = nhwc ? new long[] {2, 3} : spatial;
    long[] channel = nhwc ? new long[] {4} : new long[] {2};
    String inputMap = e.reduceSum(GraphMaps.minMax(e, inputTerm, plane), channel, false);
    List<String> terms = new ArrayList<>(List.of(inputMap));
    for (Node node : biased) {
      String term = e.op("Abs", List.of(e.op("Mul", List.of(Autodiff.gradientOf(node.output()),
          bias(e, node, spatial.length)))));
      String summed = e.reduceSum(GraphMaps.minMax(e, term, spatial), new long[] {2}, false);
      terms.add(GraphMaps.resizeLike(e, summed, inputMap));
    }
    e.opNamed(MAP, "Sum", terms);
    List<ai.onnx.proto.OnnxMl.NodeProto> nodes = new ArrayList<>(gradients.nodeProtos());
    nodes.addAll(e.nodes());
    return gradients.rebuilt(nodes, e.constants(), List.of(), List.of(MAP));
  }

  /** The node's per-channel bias shaped {@code [C, 1, 1]} ({@code [C, 1, 1, 1]} over three axes). */
  private static String bias(GraphEmitter e, Node node, int axes) {
    String b;
    if (node.opType().equals("Conv")) {
      b = node.inputs().get(2);
    } else {
      String std = e.op("Sqrt", List.of(e.op("Add", List.of(node.inputs().get(4),
          e.scalar(node.floatAttribute("epsilon", 1e-5f))))));
      String shift = e.op("Div", List.of(e.op("Mul", List.of(node.inputs().get(3), node.inputs().get(1))), std));
      b = e.op("Sub", List.of(node.inputs().get(2), shift));
    }
    long[] shape = new long[axes + 1];
    java.util.Arrays.fill(shape, 1);
    shape[0] = -1;
    return e.op("Reshape", List.of(b, e.ints(shape)));
  }

  @Override
  Tensor rawMap(Map<String, Tensor> item) {
    return item.get(MAP);
  }
}
