package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.lumen.core.LumenException;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorProtos;
import dev.lumen.core.onnx.TensorShapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One reverse-mode pass over a graph: walks the nodes between the requested tensors and the
 * score from the top down and lets each node's {@link BackwardRule} emit the nodes that compute
 * its inputs' gradients. Rules use the helpers here to stay short.
 *
 * <p>A gradient of a tensor of shape {@code S} has shape {@code [K, ...S]}: one slice per seed
 * row. Element-wise rules broadcast forward values against it as they are; rules built on
 * batch-first operators (convolution, pooling) fold {@code K} into the batch and unfold after.
 */
final class Backprop {
  private final OnnxGraph graph;
  private final TensorShapes shapes;
  private final Propagation propagation;
  private final Optional<Composite> relevance;
  private final GraphEmitter emit;
  private final Set<String> active = new HashSet<>();
  private final Set<Integer> reached = new HashSet<>();
  private final Map<String, List<String>> contributions = new HashMap<>();
  private final Map<Integer, NodeProto> rewritten = new HashMap<>();
  private final Map<String, String> cache = new HashMap<>();
  private final Map<String, long[]> declaredShapes = new HashMap<>();
  private String seedCount;
  private Substitution substitution;
  private Set<Integer> firstLayers;
  private ReferencePass reference;

  /**
   * A node's rule run with {@code upstream} in place of its output gradient, its input
   * gradient caught in {@code caught} instead of passed on.
   */
  private static final class Substitution {
    final int node;
    final String upstream;
    String caught;

    Substitution(int node, String upstream) {
      this.node = node;
      this.upstream = upstream;
    }
  }

  Backprop(OnnxGraph graph, TensorShapes shapes, Propagation propagation, Optional<Composite> relevance,
           GraphEmitter emit) {
    this.graph = graph;
    this.shapes = shapes;
    this.propagation = propagation;
    this.relevance = relevance;
    this.emit = emit;
  }

  /**
   * Seeds {@code score} with {@code seed} ({@code [K, ...score shape]}) and propagates back to
   * every tensor of {@code wrt}. Relevance starts as the seeded score's own value.
   *
   * @return the gradient of each tensor of {@code wrt}, in order
   */
  List<String> run(String score, String seed, List<String> wrt) {
    markActive(wrt);
    if (propagation == Propagation.DEEPLIFT_RESCALE) {
      reference = ReferencePass.of(graph, wrt);
    }
    if (!active.contains(score)) {
      throw new LumenException(graph.source() + ": the score '" + score + "' does not depend on " + wrt);
    }
    seedCount = emit.op("Slice", List.of(emit.op("Shape", List.of(seed)), emit.ints(0), emit.ints(1), emit.ints(0)));
    String start = relevance.isPresent() ? emit.op("Mul", List.of(seed, score)) : seed;
    contributions.computeIfAbsent(score, k -> new ArrayList<>()).add(start);
    List<Node> nodes = graph.nodes();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node node = nodes.get(i);
      boolean hasGradient = node.outputs().stream().anyMatch(contributions::containsKey);
      if (!hasGradient || !reached.contains(node.index())) {
        continue;
      }
      if (relevance.isPresent()) {
        RelevanceRules.backward(node, this, wrt, score).apply(node, this);
        continue;
      }
      if (reference != null) {
        DeepLiftRules.backward(node, this, wrt, score).apply(node, this);
        continue;
      }
      gradientRule(node).orElseThrow(() -> new LumenException(graph.source()
          + ": no gradient rule for node " + node.describe() + ", which lies between " + wrt + " and '" + score
          + "'; choose a layer above it, or a method that needs no gradient")).backward().apply(node, this);
    }
    List<String> out = new ArrayList<>();
    for (String tensor : wrt) {
      String g = sum(tensor);
      if (g == null) {
        throw new LumenException(graph.source() + ": the score '" + score + "' does not depend on '" + tensor + "'");
      }
      out.add(g);
    }
    return out;
  }

  /** The forward nodes, with the outputs rules added (a MaxPool's indices), and the reference pass after them. */
  List<NodeProto> forwardNodes() {
    List<NodeProto> out = new ArrayList<>();
    for (Node node : graph.nodes()) {
      out.add(rewritten.getOrDefault(node.index(), node.proto()));
    }
    if (reference != null) {
      out.addAll(reference.nodes());
    }
    return out;
  }

  private void markActive(List<String> wrt) {
    for (String tensor : wrt) {
      if (!graph.hasTensor(tensor)) {
        throw new IllegalArgumentException("tensor '" + tensor + "' not in " + graph.source());
      }
      active.add(tensor);
    }
    for (Node node : graph.nodes()) {
      Optional<BackwardRule> rule = BackwardRules.of(node.opType());
      for (int i = 0; i < node.inputs().size(); i++) {
        int input = i;
        if (active.contains(node.inputs().get(i)) && rule.map(r -> r.differentiable(input)).orElse(true)) {
          node.outputs().forEach(active::add);
          reached.add(node.index());
          break;
        }
      }
    }
  }

  // ---- for rules

  /** The emitter new nodes go through. */
  GraphEmitter emit() {
    return emit;
  }

  /** The rule at rectifiers. */
  Propagation propagation() {
    return propagation;
  }

  /** The relevance rules, when the pass propagates relevance rather than gradients. */
  Optional<Composite> relevance() {
    return relevance;
  }

  /** The reference pass DeepLIFT's multipliers compare with; null for other propagations. */
  ReferencePass reference() {
    return reference;
  }

  /** The graph being differentiated. */
  OnnxGraph graph() {
    return graph;
  }

  /** The gradient rule of {@code node}'s operator. */
  static Optional<BackwardRule> gradientRule(Node node) {
    return BackwardRules.of(node.opType());
  }

  /**
   * What {@code node}'s gradient rule gives its first input when {@code upstream} stands for its
   * output gradient: the vector-Jacobian product, which relevance rules build on. {@code node}
   * may be a copy of a graph node with other weights (whose shapes are {@link #declareShape declared}).
   */
  String transposed(Node node, String upstream) {
    BackwardRule rule = gradientRule(node).orElseThrow(() -> unsupported(node, "no gradient rule"));
    Substitution outer = substitution;
    substitution = new Substitution(node.index(), upstream);
    try {
      rule.backward().apply(node, this);
      if (substitution.caught == null) {
        throw unsupported(node, "its rule gives its first input nothing");
      }
      return substitution.caught;
    } finally {
      substitution = outer;
    }
  }

  /** Whether {@code node} is one of the first linear layers the input reaches (some composites give those their own rule). */
  boolean isFirstLayer(Node node) {
    if (firstLayers == null) {
      firstLayers = RelevanceRules.firstLayers(graph);
    }
    return firstLayers.contains(node.index());
  }

  /** Records the shape of a tensor the pass made (a rule's modified weights), for rules that read shapes. */
  void declareShape(String tensor, long[] shape) {
    declaredShapes.put(tensor, shape.clone());
  }

  /** The gradient of output {@code output} of {@code node}, or null when nothing above uses it. */
  String grad(Node node, int output) {
    if (substitution != null && substitution.node == node.index()) {
      return output == 0 ? substitution.upstream : null;
    }
    return output < node.outputs().size() ? sum(node.outputs().get(output)) : null;
  }

  /** Whether input {@code input} of {@code node} needs a gradient. */
  boolean active(Node node, int input) {
    return node.input(input).map(active::contains).orElse(false);
  }

  /** Adds {@code gradient} to input {@code input}'s gradient, when that input needs one. */
  void give(Node node, int input, String gradient) {
    if (substitution != null && substitution.node == node.index()) {
      if (input == 0) {
        substitution.caught = substitution.caught == null ? gradient : emit.op("Add", List.of(substitution.caught, gradient));
      }
      return;
    }
    if (active(node, input)) {
      contributions.computeIfAbsent(node.inputs().get(input), k -> new ArrayList<>()).add(gradient);
    }
  }

  /** Input {@code input} of {@code node}; fails if it is omitted. */
  String input(Node node, int input) {
    return node.input(input).orElseThrow(() -> unsupported(node, "input " + input + " is missing"));
  }

  /** The shape of {@code tensor} for the model's input size; {@code -1} where it follows the batch. */
  long[] shape(String tensor) {
    long[] declared = declaredShapes.get(tensor);
    if (declared != null) {
      return declared.clone();
    }
    String forward = ReferencePass.original(tensor);
    return graph.constant(forward).map(c -> c.getDimsList().stream().mapToLong(Long::longValue).toArray())
        .orElseGet(() -> shapes.of(forward));
  }

  /** The shape with every axis fixed; fails naming the node where one follows the batch. */
  long[] fixedShape(Node node, String tensor, int fromAxis) {
    long[] shape = shape(tensor);
    for (int i = fromAxis; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw unsupported(node, "axis " + i + " of '" + tensor + "' changes with the batch");
      }
    }
    return shape;
  }

  /** The integer values of a constant input, or empty when it is computed at run time. */
  Optional<long[]> constantInts(Node node, int input) {
    return node.input(input).flatMap(graph::constant).map(TensorProtos::toLongs);
  }

  /** The float value of a constant input. */
  Optional<Float> constantScalar(Node node, int input) {
    return node.input(input).flatMap(graph::constantTensor).filter(t -> t.size() == 1).map(t -> t.get(0));
  }

  /** {@code Shape(tensor)} at run time. */
  String shapeOf(String tensor) {
    return cached("shape:" + tensor, () -> emit.op("Shape", List.of(tensor)));
  }

  /*
   * The helpers below read a forward tensor's shape from the probe where they can, not with a
   * Shape node: a Shape node is one more reader of the tensor, and ONNX Runtime fuses a
   * convolution with the batch normalisation or activation after it only when that is the
   * convolution's one reader. Fusions lost make the forward half of the graph twice as slow.
   */

  /** {@code g} reshaped to {@code [K, ...shape of tensor]}. */
  String reshapeLike(String g, String tensor) {
    long[] trailing = trailing(tensor);
    String target = cached("seeded:" + tensor, () -> trailing == null
        ? emit.op("Concat", List.of(seedCount, shapeOf(tensor)), Attributes.integer("axis", 0))
        : emit.op("Concat", List.of(seedCount, emit.ints(prepend(-1, trailing))), Attributes.integer("axis", 0)));
    return emit.op("Reshape", List.of(g, target));
  }

  /** {@code g}, a gradient of {@code tensor}, with the seed axis folded into the batch axis. */
  String fold(String g, String tensor) {
    long[] trailing = trailing(tensor);
    String target = cached("folded:" + tensor, () -> trailing != null ? emit.ints(prepend(-1, trailing))
        : emit.op("Concat", List.of(emit.ints(-1),
            emit.op("Slice", List.of(shapeOf(tensor), emit.ints(1), emit.ints(Long.MAX_VALUE), emit.ints(0)))),
            Attributes.integer("axis", 0)));
    return emit.op("Reshape", List.of(g, target));
  }

  /**
   * {@code g} broadcast to a gradient of {@code tensor}; {@code g} already has the full size of
   * the tensor's first axis when {@code firstAxisKept}.
   */
  String expandLike(String g, String tensor, boolean firstAxisKept) {
    long[] trailing = trailing(tensor);
    String target = firstAxisKept && trailing != null ? emit.ints(trailing) : shapeOf(tensor);
    return emit.op("Expand", List.of(g, target));
  }

  /** The shape of {@code tensor} after its first axis, when none of those axes follows the batch. */
  private long[] trailing(String tensor) {
    long[] shape = shape(tensor);
    if (shape.length == 0) {
      return null;
    }
    long[] out = java.util.Arrays.copyOfRange(shape, 1, shape.length);
    return java.util.Arrays.stream(out).allMatch(d -> d >= 0) ? out : null;
  }

  private static long[] prepend(long first, long[] rest) {
    long[] out = new long[rest.length + 1];
    out[0] = first;
    System.arraycopy(rest, 0, out, 1, rest.length);
    return out;
  }

  /** Zeros shaped as a gradient of {@code tensor}. */
  String zerosLike(String tensor) {
    String target = emit.op("Concat", List.of(seedCount, shapeOf(tensor)), Attributes.integer("axis", 0));
    return emit.op("ConstantOfShape", List.of(target));
  }

  /**
   * {@code g}, a gradient of a tensor shaped {@code gShape} (without the seed axis) that
   * {@code x} was broadcast to, summed back to {@code x}'s shape.
   */
  String unbroadcast(String g, long[] gShape, String x) {
    long[] xShape = shape(x);
    int lead = gShape.length - xShape.length;
    List<Long> axes = new ArrayList<>();
    for (int i = 0; i < gShape.length; i++) {
      boolean missing = i < lead;
      boolean stretched = !missing && xShape[i - lead] == 1 && gShape[i] != 1;
      if (missing || stretched) {
        axes.add((long) i + 1);
      }
    }
    if (axes.isEmpty()) {
      return g;
    }
    String summed = emit.reduceSum(g, axes.stream().mapToLong(Long::longValue).toArray(), true);
    return reshapeLike(summed, x);
  }

  /**
   * Output {@code output} of {@code node}, adding it to the forward node when the exporter left
   * it out (a MaxPool's indices).
   */
  String forwardOutput(Node node, int output) {
    if (output < node.outputs().size() && !node.outputs().get(output).isEmpty()) {
      return node.outputs().get(output);
    }
    NodeProto.Builder proto = rewritten.getOrDefault(node.index(), node.proto()).toBuilder();
    while (proto.getOutputCount() <= output) {
      proto.addOutput("");
    }
    String name = node.output() + "__lumen_output_" + output;
    proto.setOutput(output, name);
    rewritten.put(node.index(), proto.build());
    return name;
  }

  /** The node made for {@code key} earlier, or a new one (helpers may nest, so no computeIfAbsent). */
  private String cached(String key, java.util.function.Supplier<String> make) {
    String value = cache.get(key);
    if (value == null) {
      value = make.get();
      cache.put(key, value);
    }
    return value;
  }

  /** An error naming the node whose gradient cannot be built, and why. */
  LumenException unsupported(Node node, String why) {
    return new LumenException(graph.source() + ": cannot differentiate node " + node.describe() + ": " + why);
  }

  /** The sum of the contributions to {@code tensor}'s gradient, or null when there are none. */
  private String sum(String tensor) {
    List<String> parts = contributions.get(tensor);
    if (parts == null || parts.isEmpty()) {
      return null;
    }
    if (parts.size() > 1) {
      String total = emit.op("Sum", parts);
      parts.clear();
      parts.add(total);
    }
    return parts.get(0);
  }
}
