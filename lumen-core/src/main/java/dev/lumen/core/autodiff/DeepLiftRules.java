package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.lumen.core.onnx.Node;
import java.util.List;
import java.util.Set;

/**
 * DeepLIFT's multipliers (Shrikumar, Greenside &amp; Kundaje, ICML 2017) for every operator,
 * against the {@link ReferencePass}: a multiplier {@code m} of an operator's input satisfies
 * {@code sum m * dx = dy}, where {@code d} is the difference between the input's pass and the
 * reference's, so by the chain rule the input's multipliers times its difference add up to the
 * score's difference (completeness).
 * <ul>
 *   <li>linear operators (convolutions, dense layers, sums, inference batch normalisation, average
 *       pooling, means, the operators that move values) pass their gradient, which is exact;
 *   <li>element-wise nonlinearities pass {@code dy / dx} (the rescale rule), their gradient where
 *       {@code |dx|} is below {@link #EPSILON};
 *   <li>a maximum (max pooling, the MRNet max over slices) credits {@code dy} to the input's winner
 *       where the output grew ({@code y >= y0}), to the reference's winner where it shrank;
 *   <li>a product of two computed tensors uses {@code ab - a0 b0 = mean(b) da + mean(a) db}.
 * </ul>
 * Anything else is refused, naming the node, as is a node that reads a tensor that depends on the
 * input through operators no multiplier passes (a comparison, a rounding): the sum would not
 * hold. Reveal-cancel is not offered.
 */
final class DeepLiftRules {
  /** Below this {@code |dx|} a nonlinearity passes its gradient: the float difference there is rounding noise. */
  static final float EPSILON = 1e-6f;
  private static final Set<String> RESCALED = Set.of("Relu", "Clip", "LeakyRelu", "PRelu", "Sigmoid", "Tanh",
      "HardSigmoid", "HardSwish");
  private static final Set<String> LINEAR = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sum", "Sub",
      "Neg", "Mul", "Div", "BatchNormalization", "AveragePool", "GlobalAveragePool", "ReduceMean", "ReduceSum",
      "Identity", "Dropout", "Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split",
      "Slice", "Pad", "Expand");

  private DeepLiftRules() {}

  /** The multiplier rule of {@code node}. */
  static BackwardRule.Backward backward(Node node, Backprop b, List<String> wrt, String score) {
    ReferencePass reference = b.reference();
    for (int i = 0; i < node.inputs().size(); i++) {
      if (reference.varies(node.inputs().get(i)) && !b.active(node, i)) {
        throw b.unsupported(node, "DeepLIFT cannot pass through it: its input '" + node.inputs().get(i)
            + "' depends on " + wrt + " through operators no multiplier passes (comparisons, rounding, indices)");
      }
    }
    String op = node.opType();
    boolean computedOperands = b.active(node, 0) && b.active(node, 1);
    if (RESCALED.contains(op)) {
      return DeepLiftRules::rescale;
    }
    if (op.equals("MaxPool") || op.equals("GlobalMaxPool") || op.equals("ReduceMax")) {
      return (n, bp) -> extreme(n, bp, false);
    }
    if (op.equals("ReduceMin")) {
      return (n, bp) -> extreme(n, bp, true);
    }
    if (op.equals("Mul") && computedOperands) {
      return DeepLiftRules::product;
    }
    if ((op.equals("MatMul") || op.equals("Gemm")) && computedOperands) {
      throw b.unsupported(node, "DeepLIFT has no rule for a matrix product of two computed tensors");
    }
    if (op.equals("Div") && b.active(node, 1)) {
      throw b.unsupported(node, "DeepLIFT has no rule for a computed divisor");
    }
    if (LINEAR.contains(op)) {
      return Backprop.gradientRule(node).orElseThrow().backward();
    }
    throw b.unsupported(node, "DeepLIFT has no rule for " + op + " (between " + wrt + " and '" + score
        + "'); its rules cover linear layers, element-wise activations, batch normalisation, sums, products, "
        + "pooling, maxima and the operators that move values");
  }

  /** The rescale rule: {@code g * dy / dx}, the gradient where {@code |dx| < EPSILON}. */
  private static void rescale(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String g = b.grad(n, 0);
    String dy = difference(b, n.output());
    b.give(n, 0, perDifference(n, b, e.op("Mul", List.of(g, dy)), b.transposed(n, g)));
  }

  /**
   * A maximum (minimum): {@code C = g * dy} goes to the input's winners where {@code y >= y0}
   * ({@code <=}), to the reference's elsewhere; a winner's {@code |dx|} is at least {@code |dy|},
   * so the division is sound wherever {@code C} is not negligible.
   */
  private static void extreme(Node n, Backprop b, boolean minimum) {
    GraphEmitter e = b.emit();
    String y = n.output();
    String y0 = b.reference().of(y);
    String g = b.grad(n, 0);
    String c = e.op("Mul", List.of(g, difference(b, y)));
    String inputWins = e.toFloat(e.op("Not", List.of(e.op(minimum ? "Greater" : "Less", List.of(y, y0)))));
    String own = e.op("Mul", List.of(c, inputWins));
    String shares = e.op("Add", List.of(b.transposed(n, own),
        b.transposed(b.reference().node(n), e.op("Sub", List.of(c, own)))));
    b.give(n, 0, perDifference(n, b, shares, b.transposed(n, g)));
  }

  /**
   * {@code contribution / dx} for the node's first input, {@code fallback} (its gradient) where
   * {@code |dx| < EPSILON}.
   */
  private static String perDifference(Node n, Backprop b, String contribution, String fallback) {
    GraphEmitter e = b.emit();
    String dx = difference(b, n.inputs().get(0));
    String near = e.op("Less", List.of(e.op("Abs", List.of(dx)), e.scalar(EPSILON)));
    String safe = e.op("Where", List.of(near, e.scalar(1), dx));
    return e.op("Where", List.of(near, fallback, e.op("Div", List.of(contribution, safe))));
  }

  /** {@code ab - a0 b0 = mean(b) da + mean(a) db}: each operand times the other's mean over the two passes. */
  private static void product(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    for (int i = 0; i < 2; i++) {
      String operand = n.inputs().get(i);
      String other = n.inputs().get(1 - i);
      String mean = e.op("Mul", List.of(e.op("Add", List.of(other, b.reference().of(other))), e.scalar(0.5f)));
      b.declareShape(mean, b.shape(other));
      NodeProto scaled = n.proto().toBuilder().setInput(0, operand).setInput(1, mean).build();
      b.give(n, i, b.transposed(new Node(n.index(), scaled), b.grad(n, 0)));
    }
  }

  /** {@code t - t0}: the tensor's difference between the input's pass and the reference's. */
  private static String difference(Backprop b, String tensor) {
    return b.emit().op("Sub", List.of(tensor, b.reference().of(tensor)));
  }
}
