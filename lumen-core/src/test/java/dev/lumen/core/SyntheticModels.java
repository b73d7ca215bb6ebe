package dev.lumen.core;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** ONNX models the tests build, whose scores depend on known regions only. */
public final class SyntheticModels {
  private SyntheticModels() {}

  /**
   * A grey {@code size x size} model whose one score is the sum of the input over the rectangle
   * at {@code (top, left)} of {@code height x width}: {@code ReduceSum(image * mask)}.
   */
  public static Path regionSum(Path file, int size, int top, int left, int height, int width) throws IOException {
    float[] mask = new float[size * size];
    for (int y = top; y < top + height; y++) {
      for (int x = left; x < left + width; x++) {
        mask[y * size + x] = 1f;
      }
    }
    TensorProto.Builder maskProto = TensorProto.newBuilder().setName("mask").setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addAllDims(List.of(1L, 1L, (long) size, (long) size));
    for (float m : mask) {
      maskProto.addFloatData(m);
    }
    GraphProto graph = GraphProto.newBuilder().setName("region_sum")
        .addInput(value("image", "n", 1, size, size))
        .addOutput(value("score", "n", 1))
        .addInitializer(maskProto)
        .addNode(NodeProto.newBuilder().setOpType("Mul").setName("masked").addInput("image").addInput("mask").addOutput("m"))
        .addNode(NodeProto.newBuilder().setOpType("ReduceSum").setName("sum").addInput("m").addOutput("score")
            .addAttribute(ints("axes", 2, 3)).addAttribute(AttributeProto.newBuilder().setName("keepdims")
                .setType(AttributeProto.AttributeType.INT).setI(0)))
        .build();
    ModelProto model = ModelProto.newBuilder().setIrVersion(7).setProducerName("lumen-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(11)).setGraph(graph).build();
    Files.write(file, model.toByteArray());
    return file;
  }

  private static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** A float tensor value; the first axis is dynamic and named {@code batch}. */
  private static ValueInfoProto value(String name, String batch, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }
}
