package dev.lumen.core.autodiff;

import dev.lumen.core.onnx.Node;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of reductions: the gradient of a sum spreads over the reduced axes, a mean's is
 * also divided by the count, and a maximum's (or minimum's) goes to the first element that holds
 * it, as {@code torch.max(dim)} does. This covers the max over slices of
 * MRNet-style volume models.
 */
final class ReductionRules {
  private ReductionRules() {}

  static void register(Map<String, BackwardRule> rules) {
    rules.put("ReduceSum", BackwardRule.first((n, b) -> reduce(n, b, Kind.SUM)));
    rules.put("ReduceMean", BackwardRule.first((n, b) -> reduce(n, b, Kind.MEAN)));
    rules.put("ReduceMax", BackwardRule.first((n, b) -> reduce(n, b, Kind.MAX)));
    rules.put("ReduceMin", BackwardRule.first((n, b) -> reduce(n, b, Kind.MIN)));
  }

  private enum Kind { SUM, MEAN, MAX, MIN }

  private static void reduce(Node n, Backprop b, Kind kind) {
    GraphEmitter e = b.emit();
    String x = n.inputs().get(0);
    long[] xShape = b.shape(x);
    long[] axes = axes(n, b, xShape.length);
    if (axes.length == 0) {
      b.give(n, 0, b.grad(n, 0));
      return;
    }
    boolean keep = n.intAttribute("keepdims", 1) != 0;
    String g = b.grad(n, 0);
    String kept = keep ? g : e.unsqueeze(g, Arrays.stream(axes).map(a -> a + 1).toArray());
    switch (kind) {
      case SUM -> b.give(n, 0, b.expandLike(kept, x, axes[0] > 0));
      case MEAN -> b.give(n, 0, e.op("Mul", List.of(b.expandLike(kept, x, axes[0] > 0), inverseCount(n, b, axes))));
      case MAX, MIN -> b.give(n, 0, toExtremes(b, n, kept, x, axes, kind == Kind.MIN));
    }
  }

  /**
   * {@code g} (shaped as the reduction kept its axes) passed to the first element of {@code x}
   * that holds the maximum (or minimum) over {@code axes}, as ONNX Runtime's pooling indices and
   * PyTorch's {@code max(dim)} choose. The axes must be adjacent; they are merged into one for
   * ArgMax (ArgMin for a minimum).
   */
  static String toExtremes(Backprop b, Node n, String g, String x, long[] axes, boolean minimum) {
    GraphEmitter e = b.emit();
    int rank = b.shape(x).length;
    for (int i = 1; i < axes.length; i++) {
      if (axes[i] != axes[0] + i) {
        throw b.unsupported(n, "a maximum over axes that are not adjacent " + Arrays.toString(axes));
      }
    }
    int first = (int) axes[0];
    int after = rank - (int) axes[axes.length - 1] - 1;
    long[] merge = new long[first + 1 + after];
    merge[first] = -1;
    String merged = e.op("Reshape", List.of(x, e.ints(merge)));
    String chosen = e.op(minimum ? "ArgMin" : "ArgMax", List.of(merged),
        Attributes.integer("axis", first), Attributes.integer("keepdims", 1));
    String length = e.op("Reshape", List.of(
        e.op("Slice", List.of(e.op("Shape", List.of(merged)), e.ints(first), e.ints(first + 1))), e.ints()));
    String positions = e.op("Range", List.of(e.intScalar(0), length, e.intScalar(1)));
    long[] column = new long[1 + after];
    Arrays.fill(column, 1);
    column[0] = -1;
    String hits = e.toFloat(e.op("Equal", List.of(e.op("Reshape", List.of(positions, e.ints(column))), chosen)));
    return e.op("Mul", List.of(g, e.op("Reshape", List.of(hits, b.shapeOf(x)))));
  }

  /** {@code 1 / count} of reduced elements: fixed when the axes are, computed at run time otherwise. */
  private static String inverseCount(Node n, Backprop b, long[] axes) {
    GraphEmitter e = b.emit();
    long[] xShape = b.shape(n.inputs().get(0));
    long count = 1;
    for (long a : axes) {
      if (xShape[(int) a] < 0) {
        String all = e.toFloat(e.op("Size", List.of(n.inputs().get(0))));
        String kept = e.toFloat(e.op("Size", List.of(n.output())));
        return e.op("Div", List.of(kept, all));
      }
      count *= xShape[(int) a];
    }
    return e.scalar(1f / count);
  }

  /** The reduced axes, non-negative and sorted: from the attribute or the constant input; all when absent. */
  private static long[] axes(Node n, Backprop b, int rank) {
    long[] axes = n.intsAttribute("axes").or(() -> b.constantInts(n, 1)).orElse(null);
    if (axes == null && n.input(1).isPresent()) {
      throw b.unsupported(n, "its axes are computed at run time");
    }
    if (axes == null || axes.length == 0) {
      if (n.intAttribute("noop_with_empty_axes", 0) != 0) {
        return new long[0];
      }
      axes = new long[rank];
      for (int i = 0; i < rank; i++) {
        axes[i] = i;
      }
    }
    return Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
  }
}
