package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Appends new nodes and constants to a graph under construction, with fresh names, writing each
 * operator in the form the graph's opset defines (ReduceSum's and Unsqueeze's axes moved from
 * attributes to inputs at opset 13).
 */
public final class GraphEmitter {
  private final long opset;
  private final String prefix;
  private final List<NodeProto> nodes = new ArrayList<>();
  private final List<TensorProto> constants = new ArrayList<>();
  private int counter;

  /** An emitter for a graph of {@code opset}; every new name starts with {@code prefix}. */
  public GraphEmitter(long opset, String prefix) {
    this.opset = opset;
    this.prefix = prefix;
  }

  /** The default-domain opset the emitted nodes are written for. */
  public long opset() {
    return opset;
  }

  /** Emits {@code op} with one output and returns the output's name. */
  public String op(String op, List<String> inputs, AttributeProto... attributes) {
    return op(op, inputs, 1, attributes).get(0);
  }

  /** Emits {@code op} with one output named {@code output}. */
  public void opNamed(String output, String op, List<String> inputs, AttributeProto... attributes) {
    NodeProto.Builder node = NodeProto.newBuilder().setName(fresh(op)).setOpType(op).addAllInput(inputs)
        .addOutput(output);
    Arrays.stream(attributes).forEach(node::addAttribute);
    nodes.add(node.build());
  }

  /** Emits {@code op} with {@code outputs} outputs and returns their names. */
  public List<String> op(String op, List<String> inputs, int outputs, AttributeProto... attributes) {
    String name = fresh(op);
    NodeProto.Builder node = NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(inputs);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < outputs; i++) {
      out.add(name + (outputs == 1 ? "" : "_" + i));
    }
    node.addAllOutput(out);
    Arrays.stream(attributes).forEach(node::addAttribute);
    nodes.add(node.build());
    return out;
  }

  /** A one-dimensional int64 constant. */
  public String ints(long... values) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(fresh("ints"))
        .setDataType(TensorProto.DataType.INT64_VALUE).addDims(values.length);
    Arrays.stream(values).forEach(t::addInt64Data);
    constants.add(t.build());
    return t.getName();
  }

  /** An int64 constant of {@code shape}. */
  public String longs(long[] values, long... shape) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(fresh("longs"))
        .setDataType(TensorProto.DataType.INT64_VALUE);
    Arrays.stream(shape).forEach(t::addDims);
    Arrays.stream(values).forEach(t::addInt64Data);
    constants.add(t.build());
    return t.getName();
  }

  /** An int64 scalar constant. */
  public String intScalar(long value) {
    TensorProto t = TensorProto.newBuilder().setName(fresh("int")).setDataType(TensorProto.DataType.INT64_VALUE)
        .addInt64Data(value).build();
    constants.add(t);
    return t.getName();
  }

  /** A float32 constant of {@code shape}. */
  public String floats(float[] values, long... shape) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(fresh("floats"))
        .setDataType(TensorProto.DataType.FLOAT_VALUE);
    Arrays.stream(shape).forEach(t::addDims);
    for (float v : values) {
      t.addFloatData(v);
    }
    constants.add(t.build());
    return t.getName();
  }

  /** A float32 scalar constant. */
  public String scalar(float value) {
    return floats(new float[] {value});
  }

  /** {@code x} with size-1 axes inserted at {@code axes} (of the result). */
  public String unsqueeze(String x, long... axes) {
    return opset >= 13 ? op("Unsqueeze", List.of(x, ints(axes)))
        : op("Unsqueeze", List.of(x), Attributes.ints("axes", axes));
  }

  /** The sum of {@code x} over {@code axes}. */
  public String reduceSum(String x, long[] axes, boolean keepDims) {
    return reduce("ReduceSum", x, axes, keepDims);
  }

  /** The reduction {@code op} (ReduceSum, ReduceMax, ...) of {@code x} over {@code axes}. */
  public String reduce(String op, String x, long[] axes, boolean keepDims) {
    AttributeProto keep = Attributes.integer("keepdims", keepDims ? 1 : 0);
    boolean axesAsInput = opset >= (op.equals("ReduceSum") ? 13 : 18);
    return axesAsInput ? op(op, List.of(x, ints(axes)), keep) : op(op, List.of(x), Attributes.ints("axes", axes), keep);
  }

  /** {@code x} as float32 (comparisons give booleans). */
  public String toFloat(String x) {
    return op("Cast", List.of(x), Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE));
  }

  /** The nodes emitted so far, in order. */
  public List<NodeProto> nodes() {
    return List.copyOf(nodes);
  }

  /** The constants emitted so far, as initializers. */
  public List<TensorProto> constants() {
    return List.copyOf(constants);
  }

  private String fresh(String what) {
    return prefix + what + "_" + counter++;
  }
}
