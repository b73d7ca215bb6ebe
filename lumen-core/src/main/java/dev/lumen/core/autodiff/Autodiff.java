package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.lumen.core.LumenException;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.onnx.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Reverse-mode automatic differentiation of ONNX graphs: compiles a graph into one that also
 * outputs the gradients of seeded scores with respect to chosen tensors, as ordinary ONNX nodes
 * that ONNX Runtime (or any runtime) runs at native speed.
 *
 * <p>Only nodes between the requested tensors and the score run backward, and no weight
 * gradient is computed. K seed rows ride in one run: every gradient comes out shaped
 * {@code [K, ...tensor shape]}, with the forward pass computed once.
 *
 * <pre>{@code
 * GradientRequest request = new GradientRequest("logits", List.of("layer4"), Seed.topK(1), Propagation.GRADIENT);
 * OnnxGraph compiled = Autodiff.compile(model.graph(), model.shapes(), request);
 * // outputs: the model's, TARGETS, "layer4", Autodiff.gradientOf("layer4")
 * }</pre>
 */
public final class Autodiff {
  /** The input that takes the seed rows when the request's seed is {@link Seed#given()}. */
  public static final String SEED = "lumen_seed";
  /** The output holding the labels chosen by a {@link Seed#topK} seed, {@code [N, k]}. */
  public static final String TARGETS = "lumen_targets";

  private Autodiff() {}

  /** The input that takes DeepLIFT's reference for graph input {@code tensor}. */
  public static String referenceOf(String tensor) {
    return tensor + ReferencePass.SUFFIX;
  }

  /** The output name of the gradient of {@code tensor}. */
  public static String gradientOf(String tensor) {
    return tensor + "__lumen_grad";
  }

  /**
   * Compiles {@code graph} for {@code request}. {@code shapes} are the graph's tensor shapes
   * (from a probe run), used where a backward node needs fixed sizes.
   *
   * @throws LumenException if a node between the tensors and the score has no gradient rule
   *     (naming the node and the operator), the score does not depend on a tensor, or the opset
   *     is older than 11
   */
  public static OnnxGraph compile(OnnxGraph graph, TensorShapes shapes, GradientRequest request) {
    if (graph.opset() < 11) {
      throw new LumenException(graph.source() + ": gradients need opset 11 or newer; the model has opset "
          + graph.opset() + " (re-export it with a newer opset)");
    }
    GraphEmitter emit = new GraphEmitter(graph.opset(), "lumen_bw_");
    List<ValueInfoProto> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String seed;
    long[] scoreShape = shapes.of(request.score());
    if (request.seed() instanceof Seed.TopK topK) {
      seed = topKSeed(emit, request.score(), scoreShape, topK.k(), graph);
      outputs.add(TARGETS);
    } else if (request.seed() instanceof Seed.Labels labels) {
      seed = labelSeed(emit, request.score(), scoreShape, labels.labels(), graph);
    } else {
      seed = SEED;
      inputs.add(seedInput(scoreShape));
    }
    if (request.propagation() == Propagation.DEEPLIFT_RESCALE) {
      for (String tensor : request.wrt()) {
        inputs.add(referenceInput(graph, tensor));
      }
    }
    Backprop backprop = new Backprop(graph, shapes, request.propagation(), request.relevance(), emit);
    List<String> gradients = backprop.run(request.score(), seed, request.wrt());
    for (int i = 0; i < gradients.size(); i++) {
      String tensor = request.wrt().get(i);
      emit.opNamed(gradientOf(tensor), "Identity", List.of(gradients.get(i)));
      outputs.add(tensor);
      outputs.add(gradientOf(tensor));
    }
    List<NodeProto> nodes = new ArrayList<>(backprop.forwardNodes());
    nodes.addAll(emit.nodes());
    List<String> graphInputs = graph.inputs().stream().map(v -> v.name()).toList();
    outputs.removeIf(graphInputs::contains);
    return graph.rebuilt(nodes, emit.constants(), inputs, outputs);
  }

  /** One-hot rows of each item's top k scores: {@code [k, N, classes]}. */
  private static String topKSeed(GraphEmitter e, String score, long[] shape, int k, OnnxGraph graph) {
    if (shape.length != 2 || shape[1] < 1) {
      throw new LumenException(graph.source() + ": top-k seeds need scores shaped [N, classes], not '" + score
          + "' " + java.util.Arrays.toString(shape));
    }
    if (k > shape[1]) {
      throw new IllegalArgumentException("top " + k + " of " + shape[1] + " labels");
    }
    List<String> top = e.op("TopK", List.of(score, e.ints(k)), 2, Attributes.integer("axis", -1));
    e.opNamed(TARGETS, "Identity", List.of(top.get(1)));
    String oneHot = e.op("OneHot", List.of(top.get(1), e.ints(shape[1]), e.floats(new float[] {0, 1}, 2)),
        Attributes.integer("axis", -1));
    return e.op("Transpose", List.of(oneHot), Attributes.ints("perm", 1, 0, 2));
  }

  /** One-hot rows of fixed labels for every item: {@code [K, N, classes]}. */
  private static String labelSeed(GraphEmitter e, String score, long[] shape, int[] labels, OnnxGraph graph) {
    if (shape.length != 2 || shape[1] < 1) {
      throw new LumenException(graph.source() + ": label seeds need scores shaped [N, classes], not '" + score
          + "' " + java.util.Arrays.toString(shape));
    }
    float[] rows = new float[labels.length * (int) shape[1]];
    for (int k = 0; k < labels.length; k++) {
      if (labels[k] < 0 || labels[k] >= shape[1]) {
        throw new IllegalArgumentException("label " + labels[k] + " out of range 0.." + (shape[1] - 1));
      }
      rows[k * (int) shape[1] + labels[k]] = 1;
    }
    String constant = e.floats(rows, labels.length, 1, shape[1]);
    String target = e.op("Concat", List.of(e.ints(labels.length), e.op("Shape", List.of(score))),
        Attributes.integer("axis", 0));
    return e.op("Expand", List.of(constant, target));
  }

  /** DeepLIFT's reference of graph input {@code tensor}: an input of the same type and shape. */
  private static ValueInfoProto referenceInput(OnnxGraph graph, String tensor) {
    ValueInfo input = graph.inputs().stream().filter(v -> v.name().equals(tensor)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("DeepLIFT differentiates graph inputs; '" + tensor
            + "' is not an input of " + graph.source()));
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (int i = 0; i < input.rank(); i++) {
      shape.addDim(input.isDynamic(i) ? TensorShapeProto.Dimension.newBuilder().setDimParam(
          input.dimNames().get(i).isEmpty() ? "d" + i : input.dimNames().get(i))
          : TensorShapeProto.Dimension.newBuilder().setDimValue(input.dims().get(i)));
    }
    return ValueInfoProto.newBuilder().setName(referenceOf(tensor)).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.valueOf(input.elementType()).getNumber())
            .setShape(shape))).build();
  }

  private static ValueInfoProto seedInput(long[] scoreShape) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("seeds"));
    for (int i = 0; i < scoreShape.length; i++) {
      shape.addDim(scoreShape[i] >= 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(scoreShape[i])
          : TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
    }
    return ValueInfoProto.newBuilder().setName(SEED).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }
}
