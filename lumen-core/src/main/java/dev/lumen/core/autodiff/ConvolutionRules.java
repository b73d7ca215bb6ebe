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

  /**
   * A convolution's input gradient. With unit strides it is itself a convolution of the output
   * gradient with the weights flipped and transposed per group (ONNX Runtime runs those much
   * faster than transposed convolutions); otherwise a transposed convolution.
   */
  private static void conv(Node n, Backprop b) {
    requireConstantWeights(n, b);
    String x = n.inputs().get(0);
    String w = n.inputs().get(1);
    long[] wShape = b.fixedShape(n, w, 0);
    WindowGeometry geometry = WindowGeometry.of(n, spatial(wShape), spatial(b.fixedShape(n, x, 1)),
        spatial(b.fixedShape(n, n.output(), 1)), b);
    long group = n.intAttribute("group", 1);
    String folded = b.fold(b.grad(n, 0), n.output());
    String dx = unitStride(geometry)
        ? convolveFlipped(b.emit(), folded, w, wShape, group, geometry)
        : b.emit().op("ConvTranspose", List.of(folded, w),
            geometry.transposeAttributes(group).toArray(AttributeProto[]::new));
    b.give(n, 0, b.reshapeLike(dx, x));
  }

  private static boolean unitStride(WindowGeometry g) {
    for (int i = 0; i < g.rank(); i++) {
      long reach = (g.kernel()[i] - 1) * g.dilations()[i];
      if (g.strides()[i] != 1 || g.padBegin()[i] > reach || g.padEnd()[i] > reach) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code dx = Conv(g, W')}, where {@code W'} holds, for every group, the weights with input and
   * output channels swapped and every spatial axis reversed, and the pads are what the forward
   * pads leave of the kernel's reach. The weight rewrite is constant and folded when the session
   * is made.
   */
  private static String convolveFlipped(GraphEmitter e, String g, String w, long[] wShape, long group,
                                        WindowGeometry geometry) {
    int d = geometry.rank();
    long out = wShape[0];
    long in = wShape[1];
    long[] grouped = new long[d + 3];
    grouped[0] = group;
    grouped[1] = out / group;
    grouped[2] = in;
    System.arraycopy(wShape, 2, grouped, 3, d);
    long[] perm = new long[d + 3];
    perm[0] = 0;
    perm[1] = 2;
    perm[2] = 1;
    for (int i = 3; i < perm.length; i++) {
      perm[i] = i;
    }
    long[] swapped = new long[d + 2];
    swapped[0] = group * in;
    swapped[1] = out / group;
    System.arraycopy(wShape, 2, swapped, 2, d);
    String transposed = e.op("Reshape", List.of(
        e.op("Transpose", List.of(e.op("Reshape", List.of(w, e.ints(grouped)))), Attributes.ints("perm", perm)),
        e.ints(swapped)));
    long[] starts = new long[d];
    long[] ends = new long[d];
    long[] axes = new long[d];
    long[] steps = new long[d];
    long[] pads = new long[2 * d];
    for (int i = 0; i < d; i++) {
      starts[i] = -1;
      ends[i] = Long.MIN_VALUE;
      axes[i] = i + 2;
      steps[i] = -1;
      long reach = (geometry.kernel()[i] - 1) * geometry.dilations()[i];
      pads[i] = reach - geometry.padBegin()[i];
      pads[d + i] = reach - geometry.padEnd()[i];
    }
    String flipped = e.op("Slice", List.of(transposed, e.ints(starts), e.ints(ends), e.ints(axes), e.ints(steps)));
    return e.op("Conv", List.of(g, flipped),
        Attributes.ints("kernel_shape", geometry.kernel()),
        Attributes.ints("dilations", geometry.dilations()),
        Attributes.ints("pads", pads),
        Attributes.integer("group", group));
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
