package dev.lumen.core.autodiff;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.lumen.core.onnx.OnnxGraph;
import java.util.List;
import java.util.Random;

/** Small ONNX graphs the gradient tests build: one float input, nodes, one output. */
final class TinyGraph {
  private final GraphEmitter emit;
  private final long opset;
  private final String input;
  private final long[] inputShape;
  private final Random random = new Random(11);

  private TinyGraph(long opset, String input, long[] inputShape) {
    this.opset = opset;
    this.emit = new GraphEmitter(opset, "t_");
    this.input = input;
    this.inputShape = inputShape;
  }

  /** A graph of {@code opset} whose input {@code x} has {@code shape}. */
  static TinyGraph input(long opset, long... shape) {
    return new TinyGraph(opset, "x", shape);
  }

  String x() {
    return input;
  }

  long[] inputShape() {
    return inputShape.clone();
  }

  String op(String op, List<String> inputs, AttributeProto... attributes) {
    return emit.op(op, inputs, attributes);
  }

  List<String> op(String op, List<String> inputs, int outputs, AttributeProto... attributes) {
    return emit.op(op, inputs, outputs, attributes);
  }

  GraphEmitter emitter() {
    return emit;
  }

  /** A constant of {@code shape} with values from a standard normal distribution times {@code scale}. */
  String random(float scale, long... shape) {
    int size = 1;
    for (long d : shape) {
      size *= (int) d;
    }
    float[] values = new float[size];
    for (int i = 0; i < size; i++) {
      values[i] = (float) random.nextGaussian() * scale;
    }
    return emit.floats(values, shape);
  }

  /** The model whose output is {@code output}. */
  OnnxGraph build(String output) {
    emit.opNamed("score", "Identity", List.of(output));
    GraphProto graph = GraphProto.newBuilder().setName("tiny")
        .addInput(value(input, inputShape))
        .addOutput(ValueInfoProto.newBuilder().setName("score"))
        .addAllNode(emit.nodes()).addAllInitializer(emit.constants()).build();
    ModelProto model = ModelProto.newBuilder().setIrVersion(7).setProducerName("lumen-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph).build();
    return OnnxGraph.parse(model.toByteArray(), null);
  }

  private static ValueInfoProto value(String name, long[] dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }
}
