package dev.lumen.core.autodiff;

import dev.lumen.core.onnx.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * The sliding-window geometry of a convolution or pooling node over its spatial axes, with the
 * settings of the transposed convolution that spreads the output's gradient back over the input
 * exactly: same strides, dilations and pads, and the output padding that restores the input's
 * size (or extra end padding where ceil_mode made the output larger).
 *
 * @param kernel window size per spatial axis
 * @param strides step per axis
 * @param dilations spacing of window taps per axis
 * @param padBegin padding before each axis (explicit, or what auto_pad chose)
 * @param padEnd padding after each axis
 * @param input the input's spatial size
 * @param output the output's spatial size
 */
record WindowGeometry(long[] kernel, long[] strides, long[] dilations, long[] padBegin, long[] padEnd,
                      long[] input, long[] output) {

  /**
   * The geometry of {@code node} (Conv, MaxPool, AveragePool) whose input and output have the
   * fixed spatial sizes {@code input} and {@code output}.
   */
  static WindowGeometry of(Node node, long[] kernel, long[] input, long[] output, Backprop b) {
    int d = kernel.length;
    long[] strides = node.intsAttribute("strides").orElse(ones(d));
    long[] dilations = node.intsAttribute("dilations").orElse(ones(d));
    long[] begin = new long[d];
    long[] end = new long[d];
    String autoPad = node.attribute("auto_pad").map(a -> a.getS().toStringUtf8()).orElse("NOTSET");
    switch (autoPad) {
      case "NOTSET" -> {
        long[] pads = node.intsAttribute("pads").orElse(new long[2 * d]);
        System.arraycopy(pads, 0, begin, 0, d);
        System.arraycopy(pads, d, end, 0, d);
      }
      case "VALID" -> { }
      case "SAME_UPPER", "SAME_LOWER" -> {
        for (int i = 0; i < d; i++) {
          long total = Math.max(0, (output[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - input[i]);
          long small = total / 2;
          begin[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
          end[i] = total - begin[i];
        }
      }
      default -> throw b.unsupported(node, "unknown auto_pad " + autoPad);
    }
    return new WindowGeometry(kernel, strides, dilations, begin, end, input, output);
  }

  /** The number of spatial axes. */
  int rank() {
    return kernel.length;
  }

  /** The number of taps in one window. */
  int taps() {
    long taps = 1;
    for (long k : kernel) {
      taps *= k;
    }
    return Math.toIntExact(taps);
  }

  /**
   * The attributes of a ConvTranspose over the output's gradient that puts every tap back where
   * it was read, giving a tensor of the input's size.
   */
  List<ai.onnx.proto.OnnxMl.AttributeProto> transposeAttributes(long group) {
    int d = rank();
    long[] pads = new long[2 * d];
    long[] outputPadding = new long[d];
    for (int i = 0; i < d; i++) {
      long reach = (output[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - padBegin[i] - padEnd[i];
      pads[i] = padBegin[i];
      pads[d + i] = padEnd[i];
      if (reach <= input[i]) {
        outputPadding[i] = input[i] - reach;
      } else {
        pads[d + i] += reach - input[i];
      }
    }
    List<ai.onnx.proto.OnnxMl.AttributeProto> out = new ArrayList<>();
    out.add(Attributes.ints("kernel_shape", kernel));
    out.add(Attributes.ints("strides", strides));
    out.add(Attributes.ints("dilations", dilations));
    out.add(Attributes.ints("pads", pads));
    out.add(Attributes.ints("output_padding", outputPadding));
    out.add(Attributes.integer("group", group));
    return out;
  }

  private static long[] ones(int d) {
    long[] out = new long[d];
    java.util.Arrays.fill(out, 1);
    return out;
  }
}
