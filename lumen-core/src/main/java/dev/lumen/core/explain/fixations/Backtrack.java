package dev.lumen.core.explain.fixations;

import dev.lumen.core.LumenException;
import dev.lumen.core.onnx.Node;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.tensor.Tensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CNN-Fixations' unravelling of one forward pass (Mopuri, Garg &amp; Babu, IEEE TIP 2019): from
 * the target's output neuron back to input pixels, layer by layer, with the activations of that
 * pass and the layers' weights. Discriminative units are kept as flat indices into each tensor
 * (batch axis included, so an exam's slices are traced together):
 * <ul>
 *   <li>fully connected (Gemm, MatMul): the inputs whose contribution {@code a_i w_ij} to a
 *       discriminative neuron is positive;
 *   <li>convolution: in the unit's receptive field, the one input unit with the largest
 *       contribution {@code a · w} (groups respected), over two spatial axes or three;
 *   <li>max pooling: the unit the maximum came from; average pooling: the largest unit of the
 *       window; global average pooling: the positive units of the channel;
 *   <li>residual additions: the branch with the larger value at the unit; concatenation: the
 *       input that holds the channel; element-wise operators and reshapes pass units through.
 * </ul>
 */
final class Backtrack {
  private final OnnxGraph graph;
  private final Map<String, Tensor> values;
  private final Map<String, Set<Integer>> units = new HashMap<>();

  Backtrack(OnnxGraph graph, Map<String, Tensor> values) {
    this.graph = graph;
    this.values = values;
  }

  /** The units of {@code input} reached from unit {@code start} of {@code output}. */
  Set<Integer> run(String output, int start, String input) {
    units.computeIfAbsent(output, k -> new HashSet<>()).add(start);
    List<Node> nodes = graph.nodes();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node node = nodes.get(i);
      Set<Integer> here = units.get(node.output());
      if (here == null || here.isEmpty()) {
        continue;
      }
      step(node, here);
    }
    return units.getOrDefault(input, Set.of());
  }

  private void step(Node node, Set<Integer> here) {
    switch (node.opType()) {
      case "Relu", "Clip", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "BatchNormalization",
           "Identity", "Dropout", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "HardSigmoid", "HardSwish", "Cast" ->
          pass(node, 0, here);
      case "Gemm" -> gemm(node, here);
      case "MatMul" -> matMul(node, here);
      case "Conv" -> conv(node, here);
      case "MaxPool", "AveragePool" -> window(node, here);
      case "GlobalAveragePool", "GlobalMaxPool" -> globalPool(node, here);
      case "ReduceMean", "ReduceMax" -> reduce(node, here);
      case "Add", "Sum" -> add(node, here);
      case "Mul", "Sub", "Div" -> scale(node, here);
      case "Concat" -> concat(node, here);
      case "Transpose" -> transpose(node, here);
      case "Pad" -> pad(node, here);
      default -> throw new LumenException(graph.source() + ": CNN-Fixations cannot trace back through node "
          + node.describe());
    }
  }

  private void give(String tensor, int unit) {
    units.computeIfAbsent(tensor, k -> new HashSet<>()).add(unit);
  }

  private void pass(Node node, int input, Set<Integer> here) {
    here.forEach(u -> give(node.inputs().get(input), u));
  }

  private Tensor value(String tensor) {
    Tensor v = values.get(tensor);
    if (v == null) {
      v = graph.constantTensor(tensor).orElseThrow(() -> new LumenException(graph.source()
          + ": CNN-Fixations has no value for tensor '" + tensor + "'"));
    }
    return v;
  }

  /** {@code Y = A op(B)}: inputs i of row n with {@code A[n,i] B[i,j] > 0}. */
  private void gemm(Node node, Set<Integer> here) {
    if (node.intAttribute("transA", 0) != 0) {
      throw new LumenException(graph.source() + ": CNN-Fixations cannot trace a Gemm with transA: " + node.describe());
    }
    boolean transB = node.intAttribute("transB", 0) != 0;
    linear(node.inputs().get(0), value(node.inputs().get(1)), transB, here, value(node.output()).dim(-1));
  }

  private void matMul(Node node, Set<Integer> here) {
    Tensor b = value(node.inputs().get(1));
    if (b.rank() != 2) {
      throw new LumenException(graph.source() + ": CNN-Fixations traces MatMul by a weight matrix only: " + node.describe());
    }
    linear(node.inputs().get(0), b, false, here, value(node.output()).dim(-1));
  }

  private void linear(String inputName, Tensor weights, boolean transposed, Set<Integer> here, int outputs) {
    Tensor a = value(inputName);
    int inputs = a.dim(-1);
    for (int unit : here) {
      int n = unit / outputs;
      int j = unit % outputs;
      for (int i = 0; i < inputs; i++) {
        float w = transposed ? weights.get(j * inputs + i) : weights.get(i * outputs + j);
        if (a.get(n * inputs + i) * w > 0) {
          give(inputName, n * inputs + i);
        }
      }
    }
  }

  /** A convolution unit's input unit with the largest contribution in its receptive field. */
  private void conv(Node node, Set<Integer> here) {
    Tensor x = value(node.inputs().get(0));
    Tensor w = value(node.inputs().get(1));
    Tensor y = value(node.output());
    if (x.rank() < 3) {
      throw new LumenException(graph.source() + ": CNN-Fixations traces convolutions over spatial axes only: "
          + node.describe());
    }
    int[] kernel = new int[x.rank() - 2];
    for (int a = 0; a < kernel.length; a++) {
      kernel[a] = w.dim(a + 2);
    }
    WindowGeometry windows = WindowGeometry.of(node, x.shape(), y.shape(), kernel);
    int cIn = x.dim(1);
    int cOut = y.dim(1);
    int outSize = windows.outputSize();
    int inSize = windows.inputSize();
    int kernelSize = windows.kernelSize();
    int group = (int) node.intAttribute("group", 1);
    int perGroup = cIn / group;
    for (int unit : here) {
      int n = unit / (cOut * outSize);
      int k = unit / outSize % cOut;
      int o = unit % outSize;
      int firstChannel = k / (cOut / group) * perGroup;
      int best = -1;
      float bestValue = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < perGroup; c++) {
        for (int offset = 0; offset < kernelSize; offset++) {
          int position = windows.input(o, offset);
          if (position < 0) {
            continue;
          }
          int index = (n * cIn + firstChannel + c) * inSize + position;
          float contribution = x.get(index) * w.get((k * perGroup + c) * kernelSize + offset);
          if (contribution > bestValue) {
            bestValue = contribution;
            best = index;
          }
        }
      }
      if (best >= 0) {
        give(node.inputs().get(0), best);
      }
    }
  }

  /** Pooling windows: the largest unit of the window (where max pooling took its value). */
  private void window(Node node, Set<Integer> here) {
    Tensor x = value(node.inputs().get(0));
    Tensor y = value(node.output());
    long[] shape = node.intsAttribute("kernel_shape").orElseThrow();
    int[] kernel = new int[shape.length];
    for (int a = 0; a < kernel.length; a++) {
      kernel[a] = (int) shape[a];
    }
    WindowGeometry windows = WindowGeometry.of(node, x.shape(), y.shape(), kernel);
    int outSize = windows.outputSize();
    int inSize = windows.inputSize();
    for (int unit : here) {
      int plane = unit / outSize;
      int o = unit % outSize;
      int best = -1;
      for (int offset = 0; offset < windows.kernelSize(); offset++) {
        int position = windows.input(o, offset);
        if (position >= 0) {
          int index = plane * inSize + position;
          if (best < 0 || x.get(index) > x.get(best)) {
            best = index;
          }
        }
      }
      if (best >= 0) {
        give(node.inputs().get(0), best);
      }
    }
  }

  /** Global pooling over a plane: its positive units (average) or its maximum (max). */
  private void globalPool(Node node, Set<Integer> here) {
    Tensor x = value(node.inputs().get(0));
    int plane = x.size() / (x.dim(0) * x.dim(1));
    boolean max = node.opType().equals("GlobalMaxPool");
    for (int channel : here) {
      int best = channel * plane;
      for (int p = 0; p < plane; p++) {
        int index = channel * plane + p;
        if (!max && x.get(index) > 0) {
          give(node.inputs().get(0), index);
        }
        best = x.get(index) > x.get(best) ? index : best;
      }
      if (max) {
        give(node.inputs().get(0), best);
      }
    }
  }

  /** Reductions over some axes: like global pooling over the units each output unit gathers. */
  private void reduce(Node node, Set<Integer> here) {
    Tensor x = value(node.inputs().get(0));
    long[] shape = x.shape();
    int rank = shape.length;
    long[] axes = node.intsAttribute("axes").or(() -> node.input(1).flatMap(graph::constantTensor)
        .map(t -> { long[] a = new long[t.size()]; for (int i = 0; i < a.length; i++) { a[i] = (long) t.get(i); } return a; }))
        .orElseThrow(() -> new LumenException(graph.source() + ": CNN-Fixations needs the axes of " + node.describe()));
    boolean[] reduced = new boolean[rank];
    for (long a : axes) {
      reduced[(int) (a < 0 ? a + rank : a)] = true;
    }
    long[] kept = new long[rank];
    for (int i = 0; i < rank; i++) {
      kept[i] = reduced[i] ? 1 : shape[i];
    }
    boolean max = node.opType().equals("ReduceMax");
    Map<Integer, Integer> bestOf = new HashMap<>();
    for (int index = 0; index < x.size(); index++) {
      int target = 0;
      int rest = index;
      long[] coordinate = new long[rank];
      for (int i = rank - 1; i >= 0; i--) {
        coordinate[i] = rest % shape[i];
        rest /= shape[i];
      }
      for (int i = 0; i < rank; i++) {
        target = (int) (target * kept[i] + (reduced[i] ? 0 : coordinate[i]));
      }
      if (!here.contains(target)) {
        continue;
      }
      if (max) {
        Integer best = bestOf.get(target);
        if (best == null || x.get(index) > x.get(best)) {
          bestOf.put(target, index);
        }
      } else if (x.get(index) > 0) {
        give(node.inputs().get(0), index);
      }
    }
    bestOf.values().forEach(i -> give(node.inputs().get(0), i));
  }

  /** Residual additions follow the branch with the larger value; a constant addend (a bias) is skipped. */
  private void add(Node node, Set<Integer> here) {
    List<String> computed = node.inputs().stream().filter(t -> graph.constant(t).isEmpty()).toList();
    Tensor y = value(node.output());
    for (int unit : here) {
      String best = null;
      float bestValue = Float.NEGATIVE_INFINITY;
      for (String input : computed) {
        Tensor v = value(input);
        if (v.size() != y.size()) {
          throw new LumenException(graph.source() + ": CNN-Fixations traces additions of equal shapes only: "
              + node.describe());
        }
        if (v.get(unit) > bestValue) {
          bestValue = v.get(unit);
          best = input;
        }
      }
      if (best != null) {
        give(best, unit);
      }
    }
  }

  /** Scaling by a constant (normalisation folded into the graph) passes units; else like an addition. */
  private void scale(Node node, Set<Integer> here) {
    List<String> computed = node.inputs().stream().filter(t -> graph.constant(t).isEmpty()).toList();
    if (computed.size() == 1 && value(computed.get(0)).size() == value(node.output()).size()) {
      here.forEach(u -> give(computed.get(0), u));
      return;
    }
    throw new LumenException(graph.source() + ": CNN-Fixations traces " + node.opType()
        + " by a constant only: " + node.describe());
  }

  /** Concatenation along channels: each unit goes to the input that holds its channel. */
  private void concat(Node node, Set<Integer> here) {
    Tensor y = value(node.output());
    int axis = (int) node.intAttribute("axis", 0);
    axis = axis < 0 ? axis + y.rank() : axis;
    long inner = 1;
    for (int i = axis + 1; i < y.rank(); i++) {
      inner *= y.dim(i);
    }
    int total = y.dim(axis);
    for (int unit : here) {
      long outer = unit / (inner * total);
      long along = unit / inner % total;
      long within = unit % inner;
      long offset = 0;
      for (String input : node.inputs()) {
        int size = value(input).dim(axis);
        if (along < offset + size) {
          give(input, (int) ((outer * size + (along - offset)) * inner + within));
          break;
        }
        offset += size;
      }
    }
  }

  /** Padding: each unit moves back by the begin pads; units in the padding have no source. */
  private void pad(Node node, Set<Integer> here) {
    long[] in = value(node.inputs().get(0)).shape();
    long[] out = value(node.output()).shape();
    int rank = in.length;
    long[] pads = node.intsAttribute("pads").or(() -> node.input(1).flatMap(graph::constant)
        .map(dev.lumen.core.onnx.TensorProtos::toLongs)).orElse(new long[2 * rank]);
    for (int unit : here) {
      long rest = unit;
      long index = 0;
      long[] coordinate = new long[rank];
      for (int i = rank - 1; i >= 0; i--) {
        coordinate[i] = rest % out[i] - pads[i];
        rest /= out[i];
      }
      boolean inside = true;
      for (int i = 0; i < rank; i++) {
        inside &= coordinate[i] >= 0 && coordinate[i] < in[i];
        index = index * in[i] + coordinate[i];
      }
      if (inside) {
        give(node.inputs().get(0), (int) index);
      }
    }
  }

  /** Transposition: each unit's coordinates permuted back. */
  private void transpose(Node node, Set<Integer> here) {
    Tensor x = value(node.inputs().get(0));
    long[] in = x.shape();
    int rank = in.length;
    long[] perm = node.intsAttribute("perm").orElseGet(() -> {
      long[] r = new long[rank];
      for (int i = 0; i < rank; i++) {
        r[i] = rank - 1 - i;
      }
      return r;
    });
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      out[i] = in[(int) perm[i]];
    }
    for (int unit : here) {
      long rest = unit;
      long[] coordinate = new long[rank];
      for (int i = rank - 1; i >= 0; i--) {
        coordinate[i] = rest % out[i];
        rest /= out[i];
      }
      long[] source = new long[rank];
      for (int i = 0; i < rank; i++) {
        source[(int) perm[i]] = coordinate[i];
      }
      long index = 0;
      for (int i = 0; i < rank; i++) {
        index = index * in[i] + source[i];
      }
      give(node.inputs().get(0), (int) index);
    }
  }
}
