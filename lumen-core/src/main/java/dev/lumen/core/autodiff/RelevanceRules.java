package dev.lumen.core.autodiff;

import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of layer-wise relevance propagation for every operator, as zennit's composites
 * assign them beside the linear layers' rules ({@link LinearRelevance}):
 * <ul>
 *   <li>element-wise activations and batch normalisation pass relevance unchanged;
 *   <li>additions split it in proportion to each operand's contribution ({@code x_i / s(sum)});
 *       a constant operand (a bias) keeps its share;
 *   <li>average pooling and means are normalised linear layers: {@code x * J^T (R / s(y))};
 *   <li>max pooling and maxima (the MRNet max over slices) give it all to the winner, and
 *       operators that only move values (reshape, transpose, concatenation, slices) move it
 *       along, both by their gradient rule;
 *   <li>a product or quotient by a constant, or by a gate (the smaller, broadcast operand of a
 *       product of two computed tensors), passes it to the other operand.
 * </ul>
 * Anything else is refused, naming the node: a gradient rule there would not conserve relevance.
 */
final class RelevanceRules {
  static final Set<String> LINEAR = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");
  private static final Set<String> PASS = Set.of("Relu", "Clip", "LeakyRelu", "PRelu", "Sigmoid", "Tanh",
      "HardSigmoid", "HardSwish", "Elu", "Selu", "Softplus", "Gelu", "BatchNormalization", "Identity", "Dropout");
  private static final Set<String> NORMALISED = Set.of("AveragePool", "GlobalAveragePool", "ReduceMean", "ReduceSum");
  private static final Set<String> BY_GRADIENT = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
      "Concat", "Split", "Slice", "Pad", "Expand", "Cast", "MaxPool", "GlobalMaxPool", "ReduceMax", "ReduceMin");
  /** Operators between the input and the first linear layer that keep it the input layer (layouts, padding, scaling by constants). */
  private static final Set<String> BEFORE_FIRST = Set.of("Identity", "Transpose", "Reshape", "Squeeze", "Unsqueeze",
      "Flatten", "Pad", "Cast", "Slice", "Mul", "Div", "Add", "Sub");

  private RelevanceRules() {}

  /** The relevance rule of {@code node}. */
  static BackwardRule.Backward backward(Node node, Backprop b, List<String> wrt, String score) {
    String op = node.opType();
    if (LINEAR.contains(op)) {
      return LinearRelevance::apply;
    }
    if (PASS.contains(op)) {
      return (n, bp) -> bp.give(n, 0, bp.grad(n, 0));
    }
    if (NORMALISED.contains(op)) {
      return RelevanceRules::normalised;
    }
    switch (op) {
      case "Add", "Sum" -> {
        return (n, bp) -> proportional(n, bp, false);
      }
      case "Sub" -> {
        return (n, bp) -> proportional(n, bp, true);
      }
      case "Mul", "Div" -> {
        return RelevanceRules::scaling;
      }
      default -> { }
    }
    BackwardRule gradient = Backprop.gradientRule(node).orElse(null);
    if (gradient != null && (BY_GRADIENT.contains(op) || gradient.flow() == BackwardRule.Flow.NONE)) {
      return gradient.backward();
    }
    throw b.unsupported(node, "layer-wise relevance propagation has no rule for " + op + " (between " + wrt
        + " and '" + score + "'); its rules cover linear layers, element-wise activations, batch normalisation, "
        + "additions, pooling, maxima, scaling by constants and the operators that move values");
  }

  /** {@code z + eps * sign(z)}, with {@code sign(0) = 1}. */
  static String stabilized(GraphEmitter e, String z, float eps) {
    String shift = e.op("Where", List.of(e.op("Less", List.of(z, e.scalar(0))), e.scalar(-eps), e.scalar(eps)));
    return e.op("Add", List.of(z, shift));
  }

  /** {@code R / s(y)} for the output relevance of {@code n}. */
  private static String perUnit(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    float eps = b.relevance().orElseThrow().stabilizer();
    return e.op("Div", List.of(b.grad(n, 0), stabilized(e, n.output(), eps)));
  }

  /** Each active operand {@code x_i} gets {@code ±x_i * R / s(y)}, summed back over axes it was broadcast along. */
  private static void proportional(Node n, Backprop b, boolean subtraction) {
    GraphEmitter e = b.emit();
    String share = perUnit(n, b);
    for (int i = 0; i < n.inputs().size(); i++) {
      if (!b.active(n, i)) {
        continue;
      }
      String part = e.op("Mul", List.of(n.inputs().get(i), share));
      if (subtraction && i == 1) {
        part = e.op("Neg", List.of(part));
      }
      b.give(n, i, b.unbroadcast(part, b.shape(n.output()), n.inputs().get(i)));
    }
  }

  /** Average pooling and means: {@code x * J^T (R / s(y))}. */
  private static void normalised(Node n, Backprop b) {
    String x = n.inputs().get(0);
    b.give(n, 0, b.emit().op("Mul", List.of(x, b.transposed(n, perUnit(n, b)))));
  }

  /**
   * A product or quotient whose other operand is a constant or a gate passes the relevance to the
   * operand that carries the signal.
   */
  private static void scaling(Node n, Backprop b) {
    boolean first = b.active(n, 0);
    boolean second = b.active(n, 1);
    int carrier;
    if (first && second) {
      if (n.opType().equals("Div")) {
        throw b.unsupported(n, "relevance through a quotient of two computed tensors");
      }
      long[] y = b.shape(n.output());
      boolean firstFull = java.util.Arrays.equals(b.shape(n.inputs().get(0)), y);
      boolean secondFull = java.util.Arrays.equals(b.shape(n.inputs().get(1)), y);
      if (firstFull == secondFull) {
        throw b.unsupported(n, "relevance through a product of two computed tensors of the same shape");
      }
      carrier = firstFull ? 0 : 1;
    } else if (second && n.opType().equals("Div")) {
      throw b.unsupported(n, "relevance through a computed divisor");
    } else {
      carrier = first ? 0 : 1;
    }
    b.give(n, carrier, b.unbroadcast(b.grad(n, 0), b.shape(n.output()), n.inputs().get(carrier)));
  }

  /** The linear layers the graph's inputs reach through layout changes, padding and constant scaling alone. */
  static Set<Integer> firstLayers(OnnxGraph graph) {
    Set<Integer> first = new HashSet<>();
    Set<String> seen = new HashSet<>();
    Deque<String> tensors = new ArrayDeque<>();
    graph.inputs().forEach(v -> tensors.add(v.name()));
    while (!tensors.isEmpty()) {
      String t = tensors.poll();
      if (!seen.add(t)) {
        continue;
      }
      for (Node reader : graph.consumers(t)) {
        if (LINEAR.contains(reader.opType())) {
          first.add(reader.index());
        } else if (BEFORE_FIRST.contains(reader.opType())) {
          tensors.addAll(reader.outputs());
        }
      }
    }
    return first;
  }

  /** Whether {@code tensor} is never negative: a rectifier's output, or pooled, reshaped or joined from such outputs. */
  static boolean nonNegative(OnnxGraph graph, String tensor) {
    Node producer = graph.producer(tensor).orElse(null);
    if (producer == null) {
      return false;
    }
    return switch (producer.opType()) {
      case "Relu" -> true;
      case "Clip" -> producer.input(1).flatMap(graph::constantTensor).map(t -> t.size() == 1 && t.get(0) >= 0)
          .orElse(false);
      case "MaxPool", "GlobalMaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "Identity",
          "Squeeze", "Unsqueeze", "ReduceMax", "ReduceMean" -> nonNegative(graph, producer.inputs().get(0));
      case "Concat" -> producer.inputs().stream().allMatch(i -> nonNegative(graph, i));
      default -> false;
    };
  }
}
