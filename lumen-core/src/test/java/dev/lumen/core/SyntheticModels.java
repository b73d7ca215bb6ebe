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

  /**
   * A small grey {@code size x size} CNN whose one logit depends on the rectangle at
   * {@code (top, left)} only: the input masked to the rectangle, a 1x1 convolution to four
   * channels, ReLU, global average pooling, a linear layer. Feature-map methods, gradient methods
   * and perturbation methods all apply to it.
   */
  public static Path regionCnn(Path file, int size, int top, int left, int height, int width) throws IOException {
    float[] mask = new float[size * size];
    for (int y = top; y < top + height; y++) {
      for (int x = left; x < left + width; x++) {
        mask[y * size + x] = 1f;
      }
    }
    GraphProto.Builder graph = GraphProto.newBuilder().setName("region_cnn")
        .addInput(value("image", "n", 1, size, size))
        .addOutput(value("score", "n", 1))
        .addInitializer(floats("mask", mask, 1, 1, size, size))
        .addInitializer(floats("w", new float[] {1f, 0.5f, 2f, 1.5f}, 4, 1, 1, 1))
        .addInitializer(floats("b", new float[4], 4))
        .addInitializer(floats("fc", new float[] {40f, 40f, 40f, 40f}, 1, 4))
        .addInitializer(floats("fc_b", new float[] {1f}, 1))
        .addNode(NodeProto.newBuilder().setOpType("Mul").setName("masked").addInput("image").addInput("mask").addOutput("m"))
        .addNode(NodeProto.newBuilder().setOpType("Conv").setName("conv").addInput("m").addInput("w").addInput("b")
            .addOutput("c"))
        .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("c").addOutput("features"));
    return write(file, pooledToScore(graph, "features"));
  }

  /** How {@link #regionBranches} joins its two convolution branches. */
  public enum Join { RESIDUAL, CONCAT }

  /**
   * Like {@link #regionCnn}, with two 3x3 convolution branches over the masked input joined by a
   * residual addition (conv → ReLU → conv, plus the first ReLU's output) or a channel
   * concatenation, then ReLU, global average pooling and a linear layer. Weights are positive.
   */
  public static Path regionBranches(Path file, Join join, int size, int top, int left, int height, int width)
      throws IOException {
    float[] mask = new float[size * size];
    for (int y = top; y < top + height; y++) {
      for (int x = left; x < left + width; x++) {
        mask[y * size + x] = 1f;
      }
    }
    java.util.Random random = new java.util.Random(3);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("region_" + join.name().toLowerCase())
        .addInput(value("image", "n", 1, size, size))
        .addOutput(value("score", "n", 1))
        .addInitializer(floats("mask", mask, 1, 1, size, size))
        .addInitializer(floats("w1", positive(random, 4 * 9), 4, 1, 3, 3))
        .addInitializer(floats("w2", positive(random, 4 * (join == Join.RESIDUAL ? 4 : 1) * 9), 4,
            join == Join.RESIDUAL ? 4 : 1, 3, 3))
        .addInitializer(floats("fc", positive(random, join == Join.RESIDUAL ? 4 : 8), 1, join == Join.RESIDUAL ? 4 : 8))
        .addInitializer(floats("fc_b", new float[] {0.5f}, 1))
        .addNode(NodeProto.newBuilder().setOpType("Mul").setName("masked").addInput("image").addInput("mask").addOutput("m"))
        .addNode(conv("conv1", "m", "w1", "c1"))
        .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu1").addInput("c1").addOutput("r1"));
    if (join == Join.RESIDUAL) {
      graph.addNode(conv("conv2", "r1", "w2", "c2"))
          .addNode(NodeProto.newBuilder().setOpType("Add").setName("residual").addInput("c2").addInput("r1").addOutput("j"));
    } else {
      graph.addNode(conv("conv2", "m", "w2", "c2"))
          .addNode(NodeProto.newBuilder().setOpType("Concat").setName("concat").addInput("r1").addInput("c2").addOutput("j")
              .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)));
    }
    graph.addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu2").addInput("j").addOutput("features"));
    return write(file, pooledToScore(graph, "features"));
  }

  /**
   * A grey 3D CNN on volumes of {@code depth} slices of {@code size x size} ({@code [N, 1, D, H, W]})
   * whose one logit depends on the box of slices {@code [z0, z1)}, rows {@code [y0, y1)} and
   * columns {@code [x0, x1)} only: the input masked to the box, a 3x3x3 convolution to four
   * channels, ReLU, 2x2x2 max pooling, another 3x3x3 convolution, ReLU, global average pooling and
   * a linear layer, every weight positive.
   */
  public static Path regionCnn3d(Path file, int depth, int size, int[] box) throws IOException {
    float[] mask = new float[depth * size * size];
    for (int z = box[0]; z < box[1]; z++) {
      for (int y = box[2]; y < box[3]; y++) {
        for (int x = box[4]; x < box[5]; x++) {
          mask[(z * size + y) * size + x] = 1f;
        }
      }
    }
    java.util.Random random = new java.util.Random(4);
    GraphProto.Builder graph = GraphProto.newBuilder().setName("region_cnn3d")
        .addInput(value("volume", "n", 1, depth, size, size))
        .addOutput(value("score", "n", 1))
        .addInitializer(floats("mask", mask, 1, 1, depth, size, size))
        .addInitializer(floats("w1", positive(random, 4 * 27), 4, 1, 3, 3, 3))
        .addInitializer(floats("w2", positive(random, 4 * 4 * 27), 4, 4, 3, 3, 3))
        .addInitializer(floats("fc", positive(random, 4), 1, 4))
        .addInitializer(floats("fc_b", new float[] {0.5f}, 1))
        .addNode(NodeProto.newBuilder().setOpType("Mul").setName("masked").addInput("volume").addInput("mask")
            .addOutput("m"))
        .addNode(NodeProto.newBuilder().setOpType("Conv").setName("conv1").addInput("m").addInput("w1")
            .addOutput("c1").addAttribute(ints("pads", 1, 1, 1, 1, 1, 1)))
        .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu1").addInput("c1").addOutput("r1"))
        .addNode(NodeProto.newBuilder().setOpType("MaxPool").setName("pool").addInput("r1").addOutput("p1")
            .addAttribute(ints("kernel_shape", 2, 2, 2)).addAttribute(ints("strides", 2, 2, 2)))
        .addNode(NodeProto.newBuilder().setOpType("Conv").setName("conv2").addInput("p1").addInput("w2")
            .addOutput("c2").addAttribute(ints("pads", 1, 1, 1, 1, 1, 1)))
        .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu2").addInput("c2").addOutput("features"));
    return write(file, pooledToScore(graph, "features"));
  }

  /** {@code graph} with {@code features} globally average-pooled, then the linear layer {@code fc} to the score. */
  private static GraphProto.Builder pooledToScore(GraphProto.Builder graph, String features) {
    return graph.addNode(NodeProto.newBuilder().setOpType("GlobalAveragePool").setName("gap").addInput(features)
            .addOutput("p"))
        .addNode(NodeProto.newBuilder().setOpType("Flatten").setName("flat").addInput("p").addOutput("f"))
        .addNode(NodeProto.newBuilder().setOpType("Gemm").setName("fc").addInput("f").addInput("fc").addInput("fc_b")
            .addOutput("score").addAttribute(AttributeProto.newBuilder().setName("transB")
                .setType(AttributeProto.AttributeType.INT).setI(1)));
  }

  /** {@code graph} written to {@code file} as an opset-13 model. */
  private static Path write(Path file, GraphProto.Builder graph) throws IOException {
    ModelProto model = ModelProto.newBuilder().setIrVersion(7).setProducerName("lumen-tests")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(graph).build();
    Files.write(file, model.toByteArray());
    return file;
  }

  private static NodeProto conv(String name, String input, String weights, String output) {
    return NodeProto.newBuilder().setOpType("Conv").setName(name).addInput(input).addInput(weights).addOutput(output)
        .addAttribute(ints("pads", 1, 1, 1, 1)).build();
  }

  private static float[] positive(java.util.Random random, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = 0.1f + 0.9f * random.nextFloat();
    }
    return out;
  }

  private static TensorProto floats(String name, float[] values, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
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
