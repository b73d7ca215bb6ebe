package dev.lumen.core.model;

import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorProtos;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * A classifier head of the form CAM needs: feature map → global average pooling → (max over
 * slices) → linear layer, found by walking back from the model's output.
 *
 * <p>Recognised forms: {@code GlobalAveragePool}, or {@code ReduceMean} over the spatial axes
 * (NCHW or NHWC), possibly after a ReLU; then flatten/reshape/squeeze; an optional
 * {@code ReduceMax} over axis 0 (the slices of an MRNet-style exam); a linear layer
 * ({@code Gemm}, or {@code MatMul} with an optional {@code Add}); then optional reshapes and a
 * final softmax or sigmoid. A head with no linear layer after the pooling (SqueezeNet's
 * 1×1 convolution → ReLU → pooling) has one feature channel per class: its class maps are the
 * channels themselves and {@link #weights()} is empty.
 *
 * @param feature the feature-map tensor that the pooling reads
 * @param layout axis order of the feature map
 * @param weights the linear layer's weights as {@code [classes, channels]}; empty for a class-map head
 * @param sliceMax whether a max over slices sits between pooling and linear layer
 * @param pooling the pooling node
 */
public record Head(String feature, Layout layout, Optional<Tensor> weights, boolean sliceMax, Node pooling) {
  private static final Set<String> PASS_THROUGH =
      Set.of("Flatten", "Reshape", "Squeeze", "Unsqueeze", "Identity", "Dropout");
  private static final Set<String> OUTPUT_ACTIVATIONS = Set.of("Softmax", "Sigmoid", "LogSoftmax");

  /** Why a graph's head is not of the form CAM needs. */
  public static final class NotLinearHead extends Exception {
    NotLinearHead(String why) {
      super(why);
    }
  }

  /**
   * Finds the head of {@code graph}'s first output.
   *
   * @throws NotLinearHead naming the node where the walk stopped and why
   */
  public static Head find(OnnxGraph graph) throws NotLinearHead {
    String t = skip(graph, graph.outputs().get(0).name(), true);
    Node node = producer(graph, t);
    Optional<Tensor> weights = Optional.empty();
    if (!isPooling(graph, node)) {
      weights = Optional.of(linearWeights(graph, node));
      t = skip(graph, linearInput(graph, node), false);
      node = producer(graph, t);
    }
    boolean sliceMax = false;
    if (node.opType().equals("ReduceMax")) {
      long[] axes = axes(graph, node).orElse(new long[0]);
      if (!Arrays.equals(axes, new long[] {0})) {
        throw new NotLinearHead(node.describe() + " takes a max over axes " + Arrays.toString(axes)
            + "; only a max over the slice axis 0 (MRNet) can stand between pooling and linear layer");
      }
      sliceMax = true;
      t = skip(graph, node.inputs().get(0), false);
      node = producer(graph, t);
    }
    if (!isPooling(graph, node)) {
      throw new NotLinearHead("the linear layer reads " + node.describe()
          + ", not a global average pooling of a feature map");
    }
    Layout layout = node.opType().equals("GlobalAveragePool") ? Layout.NCHW
        : Arrays.equals(axes(graph, node).orElseThrow(), new long[] {1, 2}) ? Layout.NHWC : Layout.NCHW;
    return new Head(node.inputs().get(0), layout, weights, sliceMax, node);
  }

  /** The final softmax or sigmoid of the first output, if the graph has one. */
  public static Optional<String> outputActivation(OnnxGraph graph) {
    return outputActivationNode(graph).map(Node::opType);
  }

  /**
   * The scores before the final softmax or sigmoid (the first output when there is none): what
   * gradient methods differentiate, as the Grad-CAM paper does.
   */
  public static String logits(OnnxGraph graph) {
    return outputActivationNode(graph).map(n -> n.inputs().get(0)).orElse(graph.outputs().get(0).name());
  }

  private static Optional<Node> outputActivationNode(OnnxGraph graph) {
    String t = graph.outputs().get(0).name();
    while (true) {
      Optional<Node> node = graph.producer(t);
      if (node.isEmpty()) {
        return Optional.empty();
      }
      String op = node.get().opType();
      if (OUTPUT_ACTIVATIONS.contains(op)) {
        return node;
      }
      if (!PASS_THROUGH.contains(op)) {
        return Optional.empty();
      }
      t = node.get().inputs().get(0);
    }
  }

  /** Whether the head has no linear layer: the pooled channels are the classes. */
  public boolean isClassMapHead() {
    return weights.isEmpty();
  }

  private static String skip(OnnxGraph graph, String tensor, boolean activations) {
    String t = tensor;
    while (true) {
      Optional<Node> node = graph.producer(t);
      if (node.isEmpty()) {
        return t;
      }
      String op = node.get().opType();
      if (!PASS_THROUGH.contains(op) && !(activations && OUTPUT_ACTIVATIONS.contains(op))) {
        return t;
      }
      t = node.get().inputs().get(0);
    }
  }

  private static Node producer(OnnxGraph graph, String tensor) throws NotLinearHead {
    return graph.producer(tensor).orElseThrow(() -> new NotLinearHead(
        "the walk back from the output reached the graph input '" + tensor + "' without finding a pooling layer"));
  }

  private static boolean isPooling(OnnxGraph graph, Node node) {
    if (node.opType().equals("GlobalAveragePool")) {
      return true;
    }
    if (!node.opType().equals("ReduceMean")) {
      return false;
    }
    Optional<long[]> axes = axes(graph, node);
    return axes.isPresent() && (Arrays.equals(axes.get(), new long[] {2, 3})
        || Arrays.equals(axes.get(), new long[] {1, 2}));
  }

  private static Optional<long[]> axes(OnnxGraph graph, Node node) {
    Optional<long[]> attr = node.intsAttribute("axes");
    if (attr.isPresent()) {
      return attr.map(a -> Arrays.stream(a).sorted().toArray());
    }
    return node.input(1).flatMap(graph::constant).map(TensorProtos::toLongs)
        .map(a -> Arrays.stream(a).sorted().toArray());
  }

  private static String linearInput(OnnxGraph graph, Node node) throws NotLinearHead {
    if (node.opType().equals("Add")) {
      return matMulOf(graph, node).inputs().get(0);
    }
    return node.inputs().get(0);
  }

  private static Node matMulOf(OnnxGraph graph, Node add) throws NotLinearHead {
    for (String in : add.inputs()) {
      Optional<Node> p = graph.producer(in);
      if (p.isPresent() && p.get().opType().equals("MatMul") && graph.constant(add.inputs().get(
          add.inputs().indexOf(in) == 0 ? 1 : 0)).isPresent()) {
        return p.get();
      }
    }
    throw new NotLinearHead(add.describe() + " does not add a constant bias to a MatMul");
  }

  /** The linear layer's weights as {@code [classes, channels]}. */
  private static Tensor linearWeights(OnnxGraph graph, Node node) throws NotLinearHead {
    switch (node.opType()) {
      case "Gemm" -> {
        if (node.intAttribute("transA", 0) != 0) {
          throw new NotLinearHead(node.describe() + " transposes its input (transA=1)");
        }
        Tensor w = constantWeights(graph, node);
        float alpha = node.floatAttribute("alpha", 1f);
        Tensor classesFirst = node.intAttribute("transB", 0) != 0 ? w : transpose(w);
        return alpha == 1f ? classesFirst : scale(classesFirst, alpha);
      }
      case "MatMul" -> {
        return transpose(constantWeights(graph, node));
      }
      case "Add" -> {
        return transpose(constantWeights(graph, matMulOf(graph, node)));
      }
      default -> throw new NotLinearHead("the output comes from " + node.describe()
          + ", not from a linear layer (Gemm, MatMul or MatMul + Add) after global average pooling");
    }
  }

  private static Tensor constantWeights(OnnxGraph graph, Node node) throws NotLinearHead {
    Tensor w = graph.constantTensor(node.inputs().get(1)).orElseThrow(() -> new NotLinearHead(
        node.describe() + " multiplies by a computed tensor, not by constant weights"));
    if (w.rank() != 2) {
      throw new NotLinearHead(node.describe() + " has weights of rank " + w.rank() + ", not a matrix");
    }
    return w;
  }

  private static Tensor transpose(Tensor m) {
    int r = m.dim(0);
    int c = m.dim(1);
    float[] out = new float[r * c];
    float[] in = m.unsafeData();
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[j * r + i] = in[i * c + j];
      }
    }
    return Tensor.of(out, c, r);
  }

  private static Tensor scale(Tensor m, float factor) {
    float[] out = m.toArray();
    for (int i = 0; i < out.length; i++) {
      out[i] *= factor;
    }
    return Tensor.of(out, m.shape());
  }
}
