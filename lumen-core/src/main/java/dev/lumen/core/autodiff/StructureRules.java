package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.lumen.core.onnx.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of operators that move values without computing: identities, reshapes,
 * transposes, concatenation and splitting, slicing and padding, broadcasting.
 */
final class StructureRules {
  private StructureRules() {}

  static void register(Map<String, BackwardRule> rules) {
    BackwardRule identity = BackwardRule.first((n, b) -> b.give(n, 0, b.grad(n, 0)));
    rules.put("Identity", identity);
    rules.put("Dropout", identity);
    rules.put("Cast", BackwardRule.first(StructureRules::cast));
    BackwardRule reshape = BackwardRule.first((n, b) -> b.give(n, 0, b.reshapeLike(b.grad(n, 0), n.inputs().get(0))));
    for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze")) {
      rules.put(op, reshape);
    }
    rules.put("Transpose", BackwardRule.first(StructureRules::transpose));
    rules.put("Concat", BackwardRule.every(StructureRules::concat));
    rules.put("Split", BackwardRule.first(StructureRules::split));
    rules.put("Slice", BackwardRule.first(StructureRules::slice));
    rules.put("Pad", BackwardRule.first(StructureRules::pad));
    rules.put("Expand", BackwardRule.first((n, b) ->
        b.give(n, 0, b.unbroadcast(b.grad(n, 0), b.shape(n.output()), n.inputs().get(0)))));
  }

  private static void cast(Node n, Backprop b) {
    if (n.intAttribute("to", 0) != TensorProto.DataType.FLOAT_VALUE) {
      throw b.unsupported(n, "a cast to a type other than float32 on the gradient's path");
    }
    b.give(n, 0, b.grad(n, 0));
  }

  /** The inverse permutation, behind the seed axis. */
  private static void transpose(Node n, Backprop b) {
    int rank = b.shape(n.inputs().get(0)).length;
    long[] perm = n.intsAttribute("perm").orElseGet(() -> {
      long[] reversed = new long[rank];
      for (int i = 0; i < rank; i++) {
        reversed[i] = rank - 1 - i;
      }
      return reversed;
    });
    long[] inverse = new long[rank + 1];
    for (int i = 0; i < rank; i++) {
      inverse[(int) perm[i] + 1] = i + 1;
    }
    b.give(n, 0, b.emit().op("Transpose", List.of(b.grad(n, 0)), Attributes.ints("perm", inverse)));
  }

  /** Each input gets its stretch of the output gradient along the concatenation axis. */
  private static void concat(Node n, Backprop b) {
    GraphEmitter e = b.emit();
    int rank = b.shape(n.output()).length;
    long axis = normalized(n.intAttribute("axis", 0), rank);
    long offset = 0;
    for (int i = 0; i < n.inputs().size(); i++) {
      long size = b.shape(n.inputs().get(i))[(int) axis];
      if (size < 0) {
        throw b.unsupported(n, "it concatenates along an axis that changes with the batch");
      }
      if (b.active(n, i)) {
        b.give(n, i, e.op("Slice", List.of(b.grad(n, 0), e.ints(offset), e.ints(offset + size), e.ints(axis + 1))));
      }
      offset += size;
    }
  }

  /** The outputs' gradients concatenated back, with zeros for outputs nothing above uses. */
  private static void split(Node n, Backprop b) {
    int rank = b.shape(n.inputs().get(0)).length;
    long axis = normalized(n.intAttribute("axis", 0), rank);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n.outputs().size(); i++) {
      String g = b.grad(n, i);
      parts.add(g != null ? g : b.zerosLike(n.outputs().get(i)));
    }
    b.give(n, 0, b.emit().op("Concat", parts, Attributes.integer("axis", axis + 1)));
  }

  /** A unit-step slice's gradient is the output gradient padded back to the input's size. */
  private static void slice(Node n, Backprop b) {
    String x = n.inputs().get(0);
    long[] shape = b.shape(x);
    int rank = shape.length;
    long[] starts = b.constantInts(n, 1).orElseThrow(() -> b.unsupported(n, "its starts are computed at run time"));
    long[] ends = b.constantInts(n, 2).orElseThrow(() -> b.unsupported(n, "its ends are computed at run time"));
    long[] axes = b.constantInts(n, 3).orElseGet(() -> {
      long[] all = new long[starts.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    });
    if (b.constantInts(n, 4).map(steps -> java.util.Arrays.stream(steps).anyMatch(s -> s != 1)).orElse(false)) {
      throw b.unsupported(n, "a slice with steps other than 1");
    }
    long[] pads = new long[2 * (rank + 1)];
    for (int i = 0; i < axes.length; i++) {
      int axis = (int) normalized(axes[i], rank);
      long size = shape[axis];
      if (size < 0) {
        throw b.unsupported(n, "it slices an axis that changes with the batch");
      }
      long start = clamp(starts[i] < 0 ? starts[i] + size : starts[i], size);
      long end = clamp(ends[i] < 0 ? ends[i] + size : ends[i], size);
      pads[axis + 1] = start;
      pads[rank + 1 + axis + 1] = size - Math.max(start, end);
    }
    b.give(n, 0, b.emit().op("Pad", List.of(b.grad(n, 0), b.emit().ints(pads))));
  }

  /** A constant pad's gradient is the output gradient cropped back to the input. */
  private static void pad(Node n, Backprop b) {
    String mode = n.attribute("mode").map(a -> a.getS().toStringUtf8()).orElse("constant");
    if (!mode.equals("constant")) {
      throw b.unsupported(n, "padding in " + mode + " mode");
    }
    if (n.input(3).isPresent()) {
      throw b.unsupported(n, "padding with an axes input");
    }
    long[] pads = b.constantInts(n, 1).orElseThrow(() -> b.unsupported(n, "its pads are computed at run time"));
    int rank = pads.length / 2;
    long[] starts = new long[rank];
    long[] ends = new long[rank];
    long[] axes = new long[rank];
    for (int i = 0; i < rank; i++) {
      if (pads[i] < 0 || pads[rank + i] < 0) {
        throw b.unsupported(n, "negative pads (cropping)");
      }
      starts[i] = pads[i];
      ends[i] = pads[rank + i] > 0 ? -pads[rank + i] : Long.MAX_VALUE;
      axes[i] = i + 1;
    }
    GraphEmitter e = b.emit();
    b.give(n, 0, e.op("Slice", List.of(b.grad(n, 0), e.ints(starts), e.ints(ends), e.ints(axes))));
  }

  private static long normalized(long axis, int rank) {
    return axis < 0 ? axis + rank : axis;
  }

  private static long clamp(long v, long size) {
    return Math.max(0, Math.min(size, v));
  }
}
