package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.lumen.core.onnx.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of convolutions in any number of spatial dimensions: a convolution's input
 * gradient is the transposed convolution of the output gradient with the same weights, and the
 * reverse. Weight gradients are never computed.
 */
final class ConvolutionRules {
  private ConvolutionRules() {}

  static void register(Map<String, BackwardRule> rules) {
    rules.put("Conv", BackwardRule.first(ConvolutionRules::conv));
    rules.put("ConvTranspose", BackwardRule.first(ConvolutionRules::convTranspose));
  }

  private static void conv(Node n, Backprop b) {
    requireConstantWeights(n, b);
    String x = n.inputs().get(0);
    String w = n.inputs().get(1);
    WindowGeometry geometry = WindowGeometry.of(n, spatial(b.fixedShape(n, w, 2)),
        spatial(b.fixedShape(n, x, 1)), spatial(b.fixedShape(n, n.output(), 1)), b);
    String folded = b.fold(b.grad(n, 0), n.output());
    AttributeProto[] attributes = geometry.transposeAttributes(n.intAttribute("group", 1)).toArray(AttributeProto[]::new);
    String dx = b.emit().op("ConvTranspose", List.of(folded, w), attributes);
    b.give(n, 0, b.reshapeLike(dx, x));
  }

  /**
   * The gradient of a transposed convolution is the convolution of the output gradient with the
   * same weights, strides, dilations and pads (the weights' layouts coincide).
   */
  private static void convTranspose(Node n, Backprop b) {
    requireConstantWeights(n, b);
    if (n.attribute("output_shape").isPresent() || !n.attribute("auto_pad").map(a -> a.getS().toStringUtf8())
        .orElse("NOTSET").equals("NOTSET")) {
      throw b.unsupported(n, "ConvTranspose with output_shape or auto_pad; export it with explicit pads");
    }
    String x = n.inputs().get(0);
    String w = n.inputs().get(1);
    long[] kernel = spatial(b.fixedShape(n, w, 2));
    int d = kernel.length;
    long[] ones = new long[d];
    Arrays.fill(ones, 1);
    String folded = b.fold(b.grad(n, 0), n.output());
    String dx = b.emit().op("Conv", List.of(folded, w),
        Attributes.ints("kernel_shape", kernel),
        Attributes.ints("strides", n.intsAttribute("strides").orElse(ones)),
        Attributes.ints("dilations", n.intsAttribute("dilations").orElse(ones)),
        Attributes.ints("pads", n.intsAttribute("pads").orElse(new long[2 * d])),
        Attributes.integer("group", n.intAttribute("group", 1)));
    b.give(n, 0, b.reshapeLike(dx, x));
  }

  private static void requireConstantWeights(Node n, Backprop b) {
    if (b.active(n, 1) || b.active(n, 2)) {
      throw b.unsupported(n, "its weights are computed from the input; Lumen differentiates convolutions with fixed weights");
    }
  }

  /** The axes after batch and channels. */
  static long[] spatial(long[] shape) {
    return Arrays.copyOfRange(shape, 2, shape.length);
  }
}
