package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.lumen.core.onnx.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RelevanceRule}s at linear layers (Conv, ConvTranspose, Gemm, MatMul with constant
 * weights). Every rule is a sum of terms {@code x' * W'^T g}: the layer run forward with modified
 * inputs {@code x'} and weights {@code W'} gives the denominators of {@code g = R / s(z')}, and the
 * layer's own gradient rule, run with {@code W'} and {@code g} in place of the weights and the
 * output gradient, gives {@code W'^T g}. Weight modifications are nodes on constants, which ONNX
 * Runtime folds when the session is made.
 *
 * <p>A convolution whose only reader is an inference batch normalisation is treated as the one
 * layer they make together (zennit's canonizer merges them): its weights and bias are scaled by
 * the normalisation's, and the normalisation passes relevance.
 */
final class LinearRelevance {
  private LinearRelevance() {}

  /** The layer: input, weights, bias (or null), the output the rule reads, and the node to copy. */
  private record Layer(Node node, String x, String weight, String bias, String z, long[] weightShape) {}

  static void apply(Node n, Backprop b) {
    Composite composite = b.relevance().orElseThrow();
    requireConstantWeights(n, b);
    Layer layer = layer(n, b);
    RelevanceRule rule = composite.ruleFor(n.name(), n.output(), b.isFirstLayer(n), n.opType().startsWith("Conv"));
    b.give(n, 0, relevance(b, layer, rule, b.grad(n, 0), composite.stabilizer()));
  }

  private static String relevance(Backprop b, Layer layer, RelevanceRule rule, String r, float eps) {
    GraphEmitter e = b.emit();
    boolean positiveInput = RelevanceRules.nonNegative(b.graph(), layer.x());
    if (rule instanceof RelevanceRule.Epsilon epsilon) {
      String g = e.op("Div", List.of(r, RelevanceRules.stabilized(e, layer.z(), Math.max(epsilon.epsilon(), eps))));
      return e.op("Mul", List.of(layer.x(), transposed(b, layer, layer.weight(), g)));
    }
    if (rule instanceof RelevanceRule.AlphaBeta ab) {
      return alphaBeta(b, layer, ab, r, eps, positiveInput);
    }
    if (rule instanceof RelevanceRule.Gamma gamma) {
      return gamma(b, layer, gamma.gamma(), r, eps, positiveInput);
    }
    if (rule instanceof RelevanceRule.ZBox box) {
      return zBox(b, layer, box, r, eps);
    }
    String modified;
    String bias = null;
    if (rule instanceof RelevanceRule.WSquare) {
      modified = weight(b, layer, e.op("Mul", List.of(layer.weight(), layer.weight())));
      bias = layer.bias() == null ? null : e.op("Mul", List.of(layer.bias(), layer.bias()));
    } else {
      modified = weight(b, layer, e.op("Add", List.of(e.op("Mul", List.of(layer.weight(), e.scalar(0))), e.scalar(1))));
    }
    String g = e.op("Div", List.of(r, RelevanceRules.stabilized(e, forward(b, layer, ones(b, layer), modified, bias), eps)));
    return transposed(b, layer, modified, g);
  }

  /**
   * Alpha-beta: {@code alpha * R(positive contributions) - beta * R(negative contributions)}; the
   * terms of negative inputs drop out when the input is a rectifier's output.
   */
  private static String alphaBeta(Backprop b, Layer layer, RelevanceRule.AlphaBeta ab, String r, float eps,
                                  boolean positiveInput) {
    GraphEmitter e = b.emit();
    String xp = e.op("Relu", List.of(layer.x()));
    String xn = positiveInput ? null : e.op("Min", List.of(layer.x(), e.scalar(0)));
    String wp = weight(b, layer, e.op("Relu", List.of(layer.weight())));
    String wn = weight(b, layer, e.op("Min", List.of(layer.weight(), e.scalar(0))));
    String bp = layer.bias() == null ? null : e.op("Relu", List.of(layer.bias()));
    String bn = layer.bias() == null ? null : e.op("Min", List.of(layer.bias(), e.scalar(0)));
    String positive = contributions(b, layer, r, eps, new Term(xp, wp, bp), xn == null ? null : new Term(xn, wn, null));
    if (ab.beta() == 0) {
      return ab.alpha() == 1 ? positive : e.op("Mul", List.of(positive, e.scalar(ab.alpha())));
    }
    String negative = contributions(b, layer, r, eps, new Term(xp, wn, bn), xn == null ? null : new Term(xn, wp, null));
    return e.op("Sub", List.of(e.op("Mul", List.of(positive, e.scalar(ab.alpha()))),
        e.op("Mul", List.of(negative, e.scalar(ab.beta())))));
  }

  /**
   * Generalised gamma: where {@code z > 0} the terms {@code (w + g w+) x+} and {@code (w + g w-) x-},
   * where {@code z < 0} {@code (w + g w-) x+} and {@code (w + g w+) x-}.
   */
  private static String gamma(Backprop b, Layer layer, float gamma, String r, float eps, boolean positiveInput) {
    GraphEmitter e = b.emit();
    String xp = e.op("Relu", List.of(layer.x()));
    String xn = positiveInput ? null : e.op("Min", List.of(layer.x(), e.scalar(0)));
    String up = weight(b, layer, raised(e, layer.weight(), "Relu", gamma));
    String down = weight(b, layer, raised(e, layer.weight(), "Min", gamma));
    String bUp = layer.bias() == null ? null : raised(e, layer.bias(), "Relu", gamma);
    String bDown = layer.bias() == null ? null : raised(e, layer.bias(), "Min", gamma);
    String positiveOut = e.toFloat(e.op("Greater", List.of(layer.z(), e.scalar(0))));
    String negativeOut = e.toFloat(e.op("Less", List.of(layer.z(), e.scalar(0))));
    String where = contributions(b, layer, e.op("Mul", List.of(r, positiveOut)), eps, new Term(xp, up, bUp),
        xn == null ? null : new Term(xn, down, null));
    String elsewhere = contributions(b, layer, e.op("Mul", List.of(r, negativeOut)), eps, new Term(xp, down, bDown),
        xn == null ? null : new Term(xn, up, null));
    return e.op("Add", List.of(where, elsewhere));
  }

  /** {@code w + gamma * clamp(w)}, the clamp {@code Relu} (positive part) or {@code Min} with 0 (negative part). */
  private static String raised(GraphEmitter e, String w, String clamp, float gamma) {
    String part = clamp.equals("Relu") ? e.op("Relu", List.of(w)) : e.op("Min", List.of(w, e.scalar(0)));
    return e.op("Add", List.of(w, e.op("Mul", List.of(part, e.scalar(gamma)))));
  }

  /** z^B: {@code x W^T g - l W+^T g - h W-^T g}, {@code g = R / s(z - (W+ l + b+) - (W- h + b-))}. */
  private static String zBox(Backprop b, Layer layer, RelevanceRule.ZBox box, String r, float eps) {
    GraphEmitter e = b.emit();
    String low = bound(b, layer, box.low());
    String high = bound(b, layer, box.high());
    String wp = weight(b, layer, e.op("Relu", List.of(layer.weight())));
    String wn = weight(b, layer, e.op("Min", List.of(layer.weight(), e.scalar(0))));
    String bp = layer.bias() == null ? null : e.op("Relu", List.of(layer.bias()));
    String bn = layer.bias() == null ? null : e.op("Min", List.of(layer.bias(), e.scalar(0)));
    String denominator = e.op("Sub", List.of(e.op("Sub", List.of(layer.z(), forward(b, layer, low, wp, bp))),
        forward(b, layer, high, wn, bn)));
    String g = e.op("Div", List.of(r, RelevanceRules.stabilized(e, denominator, eps)));
    String own = e.op("Mul", List.of(layer.x(), transposed(b, layer, layer.weight(), g)));
    String lows = e.op("Mul", List.of(low, transposed(b, layer, wp, g)));
    String highs = e.op("Mul", List.of(high, transposed(b, layer, wn, g)));
    return e.op("Sub", List.of(e.op("Sub", List.of(own, lows)), highs));
  }

  /** One term of a rule's sum: an input modifier's result, the modified weights and bias (or null). */
  private record Term(String x, String weight, String bias) {}

  /** {@code sum_t x_t W_t^T (R / s(sum_t z_t))} over the terms given (a null term is left out). */
  private static String contributions(Backprop b, Layer layer, String r, float eps, Term... terms) {
    GraphEmitter e = b.emit();
    List<Term> used = new ArrayList<>();
    for (Term t : terms) {
      if (t != null) {
        used.add(t);
      }
    }
    List<String> outputs = used.stream().map(t -> forward(b, layer, t.x(), t.weight(), t.bias())).toList();
    String z = outputs.size() == 1 ? outputs.get(0) : e.op("Sum", outputs);
    String g = e.op("Div", List.of(r, RelevanceRules.stabilized(e, z, eps)));
    List<String> parts = used.stream().map(t -> e.op("Mul", List.of(t.x(), transposed(b, layer, t.weight(), g)))).toList();
    return parts.size() == 1 ? parts.get(0) : e.op("Sum", parts);
  }

  /** The layer run on {@code x} with {@code weight} and {@code bias} (none when null), with its own attributes. */
  private static String forward(Backprop b, Layer layer, String x, String weight, String bias) {
    List<String> inputs = new ArrayList<>(List.of(x, weight));
    if (bias != null) {
      inputs.add(bias);
    }
    return b.emit().op(layer.node().opType(), inputs,
        layer.node().proto().getAttributeList().toArray(AttributeProto[]::new));
  }

  /** {@code W'^T g}: the layer's gradient rule with {@code weight} for its weights and {@code g} for the output gradient. */
  private static String transposed(Backprop b, Layer layer, String weight, String g) {
    NodeProto copy = layer.node().proto().toBuilder().setInput(1, weight).build();
    return b.transposed(new Node(layer.node().index(), copy), g);
  }

  /** Declares a modified weight tensor's shape (the original's) and returns it. */
  private static String weight(Backprop b, Layer layer, String modified) {
    b.declareShape(modified, layer.weightShape());
    return modified;
  }

  /** Ones shaped as the layer's input. */
  private static String ones(Backprop b, Layer layer) {
    return b.emit().op("Expand", List.of(b.emit().scalar(1), b.shapeOf(layer.x())));
  }

  /** Per-channel bounds broadcast to the input's shape (channels on axis 1, or one bound for all). */
  private static String bound(Backprop b, Layer layer, float[] values) {
    GraphEmitter e = b.emit();
    int rank = b.shape(layer.x()).length;
    String constant;
    if (values.length == 1) {
      constant = e.scalar(values[0]);
    } else {
      boolean convolution = layer.node().opType().startsWith("Conv");
      long channels = b.shape(layer.x())[1];
      if (!convolution || channels != values.length) {
        throw b.unsupported(layer.node(), "the z^B rule has " + values.length + " channel bounds for an input of shape "
            + java.util.Arrays.toString(b.shape(layer.x())));
      }
      long[] shape = new long[rank];
      java.util.Arrays.fill(shape, 1);
      shape[1] = channels;
      constant = e.floats(values, shape);
    }
    return e.op("Expand", List.of(constant, b.shapeOf(layer.x())));
  }

  /** The layer of {@code n}, merged with the batch normalisation after it when that is its only reader. */
  private static Layer layer(Node n, Backprop b) {
    String x = n.inputs().get(0);
    String w = n.inputs().get(1);
    String bias = n.input(2).orElse(null);
    long[] wShape = b.fixedShape(n, w, 0);
    List<Node> readers = b.graph().consumers(n.output());
    if (n.opType().equals("Conv") && readers.size() == 1 && readers.get(0).opType().equals("BatchNormalization")
        && readers.get(0).intAttribute("training_mode", 0) == 0) {
      Node bn = readers.get(0);
      GraphEmitter e = b.emit();
      String std = e.op("Sqrt", List.of(e.op("Add", List.of(b.input(bn, 4), e.scalar(bn.floatAttribute("epsilon", 1e-5f))))));
      String factor = e.op("Div", List.of(b.input(bn, 1), std));
      long[] perOut = new long[wShape.length];
      java.util.Arrays.fill(perOut, 1);
      perOut[0] = -1;
      String scaled = e.op("Mul", List.of(w, e.op("Reshape", List.of(factor, e.ints(perOut)))));
      b.declareShape(scaled, wShape);
      String centred = e.op("Sub", List.of(bias == null ? e.scalar(0) : bias, b.input(bn, 3)));
      String shifted = e.op("Add", List.of(e.op("Mul", List.of(centred, factor)), b.input(bn, 2)));
      return new Layer(n, x, scaled, shifted, bn.output(), wShape);
    }
    return new Layer(n, x, w, bias, n.output(), wShape);
  }

  private static void requireConstantWeights(Node n, Backprop b) {
    boolean computed = n.opType().equals("MatMul") ? !b.active(n, 0) || b.active(n, 1) : b.active(n, 1) || b.active(n, 2);
    if (computed) {
      throw b.unsupported(n, "layer-wise relevance propagation needs the layer's weights fixed"
          + (n.opType().equals("MatMul") ? " as MatMul's second operand" : "") + ", not computed from the input");
    }
  }
}
