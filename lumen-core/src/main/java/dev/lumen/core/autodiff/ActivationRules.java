package dev.lumen.core.autodiff;

import dev.lumen.core.onnx.Node;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of element-wise activations and of softmax. Rectifiers (ReLU, and Clip with a
 * lower bound of 0, which is how ReLU6 exports) follow the request's {@link Propagation}.
 */
final class ActivationRules {
  private ActivationRules() {}

  static void register(Map<String, BackwardRule> rules) {
    rules.put("Relu", BackwardRule.first(ActivationRules::relu));
    rules.put("Clip", BackwardRule.first(ActivationRules::clip));
    rules.put("LeakyRelu", BackwardRule.first((n, b) -> leaky(n, b, b.emit().scalar(n.floatAttribute("alpha", 0.01f)))));
    rules.put("PRelu", BackwardRule.first((n, b) -> leaky(n, b, b.input(n, 1))));
    rules.put("Sigmoid", BackwardRule.first(ActivationRules::sigmoid));
    rules.put("Tanh", BackwardRule.first(ActivationRules::tanh));
    rules.put("HardSigmoid", BackwardRule.first(ActivationRules::hardSigmoid));
    rules.put("HardSwish", BackwardRule.first(ActivationRules::hardSwish));
    rules.put("Softmax", BackwardRule.first(ActivationRules::softmax));
    rules.put("LogSoftmax", BackwardRule.first(ActivationRules::logSoftmax));
  }

  /**
   * ReLU passes where its input is positive (PyTorch's convention at 0: nothing passes). The
   * mask reads the output, which is positive exactly there: the input then has no reader besides
   * the ReLU, and ONNX Runtime can still fuse the ReLU into the convolution before it.
   */
  private static void relu(Node n, Backprop b) {
    rectifier(n, b, List.of(b.emit().op("Greater", List.of(n.output(), b.emit().scalar(0)))));
  }

  /**
   * Clip passes strictly inside its bounds; with a lower bound of 0 it is a rectifier (ReLU6).
   * Like ReLU's, the mask reads the output, which is inside the bounds exactly where the input is.
   */
  private static void clip(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String x = n.output();
    if (b.emit().opset() < 11) {
      throw b.unsupported(n, "Clip before opset 11 keeps its bounds in attributes");
    }
    List<String> inside = new java.util.ArrayList<>();
    n.input(1).ifPresent(min -> inside.add(e.op("Greater", List.of(x, min))));
    n.input(2).ifPresent(max -> inside.add(e.op("Less", List.of(x, max))));
    boolean rectifier = b.constantScalar(n, 1).map(min -> min == 0f).orElse(false);
    if (rectifier) {
      rectifier(n, b, inside);
      return;
    }
    String g = b.grad(n, 0);
    b.give(n, 0, inside.isEmpty() ? g : e.op("Mul", List.of(g, mask(e, inside))));
  }

  /** The gradient at a rectifier whose active range is where every condition holds. */
  private static void rectifier(Node n, Backprop b, List<String> activeRange) {
    GraphEmitter e = b.emit();
    String g = b.grad(n, 0);
    String out = switch (b.propagation()) {
      // DeepLIFT reads a rectifier's gradient where input and reference agree
      case GRADIENT, DEEPLIFT_RESCALE -> e.op("Mul", List.of(g, mask(e, activeRange)));
      case GUIDED_BACKPROP -> e.op("Mul", List.of(e.op("Relu", List.of(g)), mask(e, activeRange)));
      case DECONVNET -> e.op("Relu", List.of(g));
    };
    b.give(n, 0, out);
  }

  /** 1 where every condition holds, else 0. */
  private static String mask(GraphEmitter e, List<String> conditions) {
    String all = conditions.get(0);
    for (int i = 1; i < conditions.size(); i++) {
      all = e.op("And", List.of(all, conditions.get(i)));
    }
    return e.toFloat(all);
  }

  /** {@code g} where the input is positive, {@code slope * g} elsewhere (LeakyReLU, PReLU; slopes of any sign). */
  private static void leaky(Node n, Backprop b, String slope) {
    GraphEmitter e = b.emit();
    String g = b.grad(n, 0);
    String positive = e.op("Greater", List.of(n.inputs().get(0), e.scalar(0)));
    b.give(n, 0, e.op("Where", List.of(positive, g, e.op("Mul", List.of(g, slope)))));
  }

  /** {@code g * y * (1 - y)}. */
  private static void sigmoid(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String y = n.output();
    String slope = e.op("Mul", List.of(y, e.op("Sub", List.of(e.scalar(1), y))));
    b.give(n, 0, e.op("Mul", List.of(b.grad(n, 0), slope)));
  }

  /** {@code g * (1 - y^2)}. */
  private static void tanh(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String y = n.output();
    String slope = e.op("Sub", List.of(e.scalar(1), e.op("Mul", List.of(y, y))));
    b.give(n, 0, e.op("Mul", List.of(b.grad(n, 0), slope)));
  }

  /** {@code g * alpha} where {@code 0 < y < 1}. */
  private static void hardSigmoid(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String y = n.output();
    String inside = mask(e, List.of(e.op("Greater", List.of(y, e.scalar(0))), e.op("Less", List.of(y, e.scalar(1)))));
    String slope = e.op("Mul", List.of(inside, e.scalar(n.floatAttribute("alpha", 0.2f))));
    b.give(n, 0, e.op("Mul", List.of(b.grad(n, 0), slope)));
  }

  /** HardSwish {@code x * clip(x/6 + 1/2, 0, 1)}: slope 0 below -3, 1 above 3, {@code x/3 + 1/2} between. */
  private static void hardSwish(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String x = n.inputs().get(0);
    String middle = e.op("Add", List.of(e.op("Div", List.of(x, e.scalar(3))), e.scalar(0.5f)));
    String upper = e.op("Where", List.of(e.op("Greater", List.of(x, e.scalar(3))), e.scalar(1), middle));
    String slope = e.op("Where", List.of(e.op("Less", List.of(x, e.scalar(-3))), e.scalar(0), upper));
    b.give(n, 0, e.op("Mul", List.of(b.grad(n, 0), slope)));
  }

  /** {@code y * (g - sum(g * y))} over the softmax axis. */
  private static void softmax(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String y = n.output();
    String g = b.grad(n, 0);
    long axis = softmaxAxis(n, b) + 1;
    String dot = e.reduceSum(e.op("Mul", List.of(g, y)), new long[] {axis}, true);
    b.give(n, 0, e.op("Mul", List.of(y, e.op("Sub", List.of(g, dot)))));
  }

  /** {@code g - exp(y) * sum(g)} over the axis. */
  private static void logSoftmax(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String g = b.grad(n, 0);
    long axis = softmaxAxis(n, b) + 1;
    String total = e.reduceSum(g, new long[] {axis}, true);
    String p = e.op("Exp", List.of(n.output()));
    b.give(n, 0, e.op("Sub", List.of(g, e.op("Mul", List.of(p, total)))));
  }

  /**
   * The softmax axis, non-negative. Before opset 13 softmax runs over everything after the axis,
   * which is one axis only when the axis is the last.
   */
  private static long softmaxAxis(Node n, Backprop b) {
    int rank = b.shape(n.inputs().get(0)).length;
    long axis = n.intAttribute("axis", b.emit().opset() >= 13 ? -1 : 1);
    axis = axis < 0 ? axis + rank : axis;
    if (b.emit().opset() < 13 && axis != rank - 1) {
      throw b.unsupported(n, "before opset 13 softmax over axis " + axis + " of a rank-" + rank
          + " tensor flattens the axes after it");
    }
    return axis;
  }
}
