package dev.lumen.core.autodiff;

import dev.lumen.core.onnx.Node;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of broadcasting arithmetic. An operand that was broadcast gets its gradient
 * summed back over the axes it was stretched along.
 */
final class ArithmeticRules {
  private ArithmeticRules() {}

  static void register(Map<String, BackwardRule> rules) {
    rules.put("Add", BackwardRule.every(ArithmeticRules::add));
    rules.put("Sum", BackwardRule.every(ArithmeticRules::add));
    rules.put("Sub", BackwardRule.every(ArithmeticRules::sub));
    rules.put("Mul", BackwardRule.every(ArithmeticRules::mul));
    rules.put("Div", BackwardRule.every(ArithmeticRules::div));
    rules.put("BatchNormalization", BackwardRule.first(ArithmeticRules::batchNormalization));
    rules.put("Neg", BackwardRule.first((n, b) -> b.give(n, 0, b.emit().op("Neg", List.of(b.grad(n, 0))))));
  }

  private static void add(Node n, Backprop b) {
    for (int i = 0; i < n.inputs().size(); i++) {
      giveSummed(n, b, i, b.grad(n, 0));
    }
  }

  private static void sub(Node n, Backprop b) {
    String g = b.grad(n, 0);
    giveSummed(n, b, 0, g);
    if (b.active(n, 1)) {
      giveSummed(n, b, 1, b.emit().op("Neg", List.of(g)));
    }
  }

  private static void mul(Node n, Backprop b) {
    String g = b.grad(n, 0);
    for (int i = 0; i < 2; i++) {
      if (b.active(n, i)) {
        giveSummed(n, b, i, b.emit().op("Mul", List.of(g, n.inputs().get(1 - i))));
      }
    }
  }

  /** {@code d(a/b)/da = 1/b}, {@code d(a/b)/db = -y/b}. */
  private static void div(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String g = b.grad(n, 0);
    String divisor = n.inputs().get(1);
    if (b.active(n, 0)) {
      giveSummed(n, b, 0, e.op("Div", List.of(g, divisor)));
    }
    if (b.active(n, 1)) {
      String slope = e.op("Neg", List.of(e.op("Div", List.of(n.output(), divisor))));
      giveSummed(n, b, 1, e.op("Mul", List.of(g, slope)));
    }
  }

  /**
   * Inference-mode batch normalisation is a per-channel affine map: the gradient is scaled by
   * {@code scale / sqrt(var + epsilon)} of each channel.
   */
  private static void batchNormalization(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    if (n.intAttribute("training_mode", 0) != 0) {
      throw b.unsupported(n, "batch normalisation in training mode");
    }
    int rank = b.shape(n.inputs().get(0)).length;
    String std = e.op("Sqrt", List.of(e.op("Add", List.of(b.input(n, 4), e.scalar(n.floatAttribute("epsilon", 1e-5f))))));
    String factor = e.op("Div", List.of(b.input(n, 1), std));
    long[] perChannel = new long[rank - 1];
    java.util.Arrays.fill(perChannel, 1);
    perChannel[0] = -1;
    String shaped = e.op("Reshape", List.of(factor, e.ints(perChannel)));
    b.give(n, 0, e.op("Mul", List.of(b.grad(n, 0), shaped)));
  }

  /** Gives input {@code i} the output gradient {@code g} summed back to the input's shape. */
  private static void giveSummed(Node n, Backprop b, int i, String g) {
    if (b.active(n, i)) {
      b.give(n, i, b.unbroadcast(g, b.shape(n.output()), n.inputs().get(i)));
    }
  }
}
