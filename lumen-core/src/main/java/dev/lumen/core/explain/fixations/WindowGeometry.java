package dev.lumen.core.explain.fixations;

import dev.lumen.core.onnx.Node;

/**
 * Where a convolution's or a pooling node's windows lie, over however many spatial axes its
 * tensors have (two for images, three for a 3D CNN's volumes): for an output position and an
 * offset in the kernel, the input position it reads, positions flat over the spatial axes in
 * row-major order and kernel offsets in the order of the weights.
 */
final class WindowGeometry {
  private final int[] in;
  private final int[] out;
  private final int[] kernel;
  private final long[] strides;
  private final long[] dilations;
  private final long[] begins;

  private WindowGeometry(int[] in, int[] out, int[] kernel, long[] strides, long[] dilations, long[] begins) {
    this.in = in;
    this.out = out;
    this.kernel = kernel;
    this.strides = strides;
    this.dilations = dilations;
    this.begins = begins;
  }

  /**
   * The windows of {@code node} from {@code input} to {@code output} ({@code [N, C, spatial...]})
   * with a kernel of {@code kernel} (one size per spatial axis); strides and dilations default
   * to 1, the begin pads come from {@code pads} or {@code auto_pad}.
   */
  static WindowGeometry of(Node node, long[] input, long[] output, int[] kernel) {
    int axes = input.length - 2;
    int[] in = new int[axes];
    int[] out = new int[axes];
    for (int a = 0; a < axes; a++) {
      in[a] = (int) input[a + 2];
      out[a] = (int) output[a + 2];
    }
    long[] ones = new long[axes];
    java.util.Arrays.fill(ones, 1);
    long[] strides = node.intsAttribute("strides").orElse(ones);
    long[] dilations = node.intsAttribute("dilations").orElse(ones);
    String autoPad = node.attribute("auto_pad").map(p -> p.getS().toStringUtf8()).orElse("NOTSET");
    long[] begins = new long[axes];
    if (autoPad.startsWith("SAME")) {
      for (int a = 0; a < axes; a++) {
        long total = Math.max(0, (out[a] - 1) * strides[a] + (kernel[a] - 1) * dilations[a] + 1 - in[a]);
        begins[a] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
      }
    } else {
      long[] pads = node.intsAttribute("pads").orElse(new long[2 * axes]);
      System.arraycopy(pads, 0, begins, 0, axes);
    }
    return new WindowGeometry(in, out, kernel, strides, dilations, begins);
  }

  /** The number of input positions of one channel. */
  int inputSize() {
    return product(in);
  }

  /** The number of output positions of one channel. */
  int outputSize() {
    return product(out);
  }

  /** The number of offsets in the kernel. */
  int kernelSize() {
    return product(kernel);
  }

  /** The input position that kernel offset {@code k} reads at output position {@code o}, or -1 in the padding. */
  int input(int o, int k) {
    int position = 0;
    int restOut = o;
    int restKernel = k;
    int scale = 1;
    for (int a = in.length - 1; a >= 0; a--) {
      int oc = restOut % out[a];
      int kc = restKernel % kernel[a];
      restOut /= out[a];
      restKernel /= kernel[a];
      long ic = oc * strides[a] - begins[a] + kc * dilations[a];
      if (ic < 0 || ic >= in[a]) {
        return -1;
      }
      position += (int) ic * scale;
      scale *= in[a];
    }
    return position;
  }

  private static int product(int[] sizes) {
    int p = 1;
    for (int s : sizes) {
      p *= s;
    }
    return p;
  }
}
