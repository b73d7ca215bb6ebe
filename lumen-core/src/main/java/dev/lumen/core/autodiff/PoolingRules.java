package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.lumen.core.onnx.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of pooling in any number of spatial dimensions. Windowed pooling spreads each
 * output's gradient over its window with a grouped transposed convolution: evenly (divided by
 * the window's count) for average pooling, onto the tap that held the maximum for max pooling.
 */
final class PoolingRules {
  private PoolingRules() {}

  static void register(Map<String, BackwardRule> rules) {
    rules.put("MaxPool", BackwardRule.first(PoolingRules::maxPool));
    rules.put("AveragePool", BackwardRule.first(PoolingRules::averagePool));
    rules.put("GlobalAveragePool", BackwardRule.first(PoolingRules::globalAveragePool));
    rules.put("GlobalMaxPool", BackwardRule.first(PoolingRules::globalMaxPool));
  }

  /**
   * Max pooling passes each output's gradient to the input element it took, read from the
   * pool's indices (added to the node when the exporter left them out): the first maximum of
   * the window, as PyTorch and ONNX Runtime choose. Windows that overlap add up.
   *
   * <p>The indices are flat over the whole tensor; modulo one channel's plane they give the
   * element's place in the plane, compared here with the place of every tap of every window.
   * The matching taps become {@code taps} channels per input channel, which one grouped
   * transposed convolution with a one-hot kernel per tap puts back in place.
   */
  private static void maxPool(Node n, Backprop b) {
    if (n.intAttribute("storage_order", 0) != 0) {
      throw b.unsupported(n, "column-major indices (storage_order 1)");
    }
    GraphEmitter e = b.emit();
    String x = n.inputs().get(0);
    long[] xShape = b.fixedShape(n, x, 1);
    long[] yShape = b.fixedShape(n, n.output(), 1);
    long[] kernel = n.intsAttribute("kernel_shape").orElseThrow(() -> b.unsupported(n, "no kernel_shape"));
    WindowGeometry geometry = WindowGeometry.of(n, kernel, ConvolutionRules.spatial(xShape),
        ConvolutionRules.spatial(yShape), b);
    long channels = xShape[1];
    int taps = geometry.taps();
    long[] out = geometry.output();
    long positions = product(out);

    String place = e.op("Mod", List.of(b.forwardOutput(n, 1), e.intScalar(product(geometry.input()))));
    long[] tapPlaces = new long[Math.toIntExact(taps * positions)];
    for (int t = 0; t < taps; t++) {
      long[] tap = unflatten(t, kernel);
      for (int p = 0; p < positions; p++) {
        tapPlaces[Math.toIntExact(t * positions + p)] = place(geometry, tap, unflatten(p, out));
      }
    }
    String tapShaped = e.longs(tapPlaces, concat(new long[] {1, 1, taps}, out));
    String hits = e.toFloat(e.op("Equal", List.of(e.unsqueeze(place, 2), tapShaped)));
    String spread = e.op("Mul", List.of(e.unsqueeze(b.grad(n, 0), 3), hits));
    String folded = e.op("Reshape", List.of(spread, e.ints(concat(new long[] {-1, channels * taps}, out))));

    int kernelSize = taps;
    float[] oneHot = new float[Math.toIntExact(channels * taps * kernelSize)];
    for (int c = 0; c < channels; c++) {
      for (int t = 0; t < taps; t++) {
        oneHot[(c * taps + t) * kernelSize + t] = 1f;
      }
    }
    String weights = e.floats(oneHot, concat(new long[] {channels * taps, 1}, kernel));
    String dx = e.op("ConvTranspose", List.of(folded, weights),
        geometry.transposeAttributes(channels).toArray(AttributeProto[]::new));
    b.give(n, 0, b.reshapeLike(dx, x));
  }

  /** The flat place in one input plane that {@code tap} of the window at {@code position} reads, or -1 in padding. */
  private static long place(WindowGeometry g, long[] tap, long[] position) {
    long flat = 0;
    for (int i = 0; i < g.rank(); i++) {
      long at = position[i] * g.strides()[i] - g.padBegin()[i] + tap[i] * g.dilations()[i];
      if (at < 0 || at >= g.input()[i]) {
        return -1;
      }
      flat = flat * g.input()[i] + at;
    }
    return flat;
  }

  /**
   * Average pooling gives each tap of a window the window's gradient divided by the count the
   * forward pass divided by: the whole window with count_include_pad, else its taps inside
   * the input.
   */
  private static void averagePool(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String x = n.inputs().get(0);
    long[] xShape = b.fixedShape(n, x, 1);
    long[] yShape = b.fixedShape(n, n.output(), 1);
    long[] kernel = n.intsAttribute("kernel_shape").orElseThrow(() -> b.unsupported(n, "no kernel_shape"));
    if (n.intsAttribute("dilations").map(d -> Arrays.stream(d).anyMatch(v -> v != 1)).orElse(false)) {
      throw b.unsupported(n, "dilated average pooling");
    }
    WindowGeometry geometry = WindowGeometry.of(n, kernel, ConvolutionRules.spatial(xShape),
        ConvolutionRules.spatial(yShape), b);
    boolean includePad = n.intAttribute("count_include_pad", 0) != 0;
    long[] out = geometry.output();
    long positions = product(out);
    float[] inverseCount = new float[Math.toIntExact(positions)];
    for (int p = 0; p < positions; p++) {
      long[] position = unflatten(p, out);
      long count = 1;
      for (int i = 0; i < geometry.rank(); i++) {
        long start = position[i] * geometry.strides()[i] - geometry.padBegin()[i];
        long lo = includePad ? -geometry.padBegin()[i] : 0;
        long hi = geometry.input()[i] + (includePad ? geometry.padEnd()[i] : 0);
        count *= Math.min(start + kernel[i], hi) - Math.max(start, lo);
      }
      inverseCount[p] = 1f / count;
    }
    long channels = xShape[1];
    String scaled = e.op("Mul", List.of(b.grad(n, 0), e.floats(inverseCount, concat(new long[] {1, 1}, out))));
    float[] ones = new float[Math.toIntExact(channels * geometry.taps())];
    Arrays.fill(ones, 1f);
    String weights = e.floats(ones, concat(new long[] {channels, 1}, kernel));
    String dx = e.op("ConvTranspose", List.of(b.fold(scaled, n.output()), weights),
        geometry.transposeAttributes(channels).toArray(AttributeProto[]::new));
    b.give(n, 0, b.reshapeLike(dx, x));
  }

  /** Every element of a channel gets the channel's gradient over the plane's size. */
  private static void globalAveragePool(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    String x = n.inputs().get(0);
    long plane = product(ConvolutionRules.spatial(b.fixedShape(n, x, 2)));
    String spread = b.expandLike(b.grad(n, 0), x, true);
    b.give(n, 0, e.op("Mul", List.of(spread, e.scalar(1f / plane))));
  }

  /** The first maximum of each channel gets the gradient. */
  private static void globalMaxPool(Node n, Backprop b) {
    String x = n.inputs().get(0);
    int rank = b.shape(x).length;
    long[] axes = new long[rank - 2];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 2;
    }
    b.give(n, 0, ReductionRules.toExtremes(b, n, b.grad(n, 0), x, axes, false));
  }

  static long product(long[] values) {
    long p = 1;
    for (long v : values) {
      p *= v;
    }
    return p;
  }

  /** The multi-index of flat index {@code flat} in a row-major box of {@code sizes}. */
  private static long[] unflatten(long flat, long[] sizes) {
    long[] out = new long[sizes.length];
    for (int i = sizes.length - 1; i >= 0; i--) {
      out[i] = flat % sizes[i];
      flat /= sizes[i];
    }
    return out;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
