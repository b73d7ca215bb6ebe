package dev.lumen.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import dev.lumen.core.runtime.Engine;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Read → write → read keeps models intact, on ONNX's own test models (Debian's libonnx-testdata;
 * those stamped with opset 6, which ONNX Runtime no longer runs, are left out).
 */
class OnnxGraphRoundTripTest {
  private static final Path ONNX_TESTDATA = Path.of("/usr/share/libonnx-testdata/data/pytorch-converted");
  private static final Engine ENGINE = new Engine(EngineOptions.defaults());

  static Stream<String> cnnModels() {
    return Stream.of("test_Conv2d", "test_Conv2d_depthwise_padded", "test_Conv2d_dilated", "test_Conv2d_groups",
        "test_Conv2d_strided", "test_Conv2d_no_bias", "test_Conv3d_stride_padding", "test_ConvTranspose2d",
        "test_MaxPool2d", "test_MaxPool2d_stride_padding_dilation", "test_ReLU", "test_LeakyReLU_with_negval",
        "test_Softmax", "test_Sigmoid", "test_ZeroPad2d");
  }

  @ParameterizedTest
  @MethodSource("cnnModels")
  void roundTripKeepsBytesAndOutputs(String name, @TempDir Path tmp) throws IOException {
    Path dir = ONNX_TESTDATA.resolve(name);
    assertTrue(Files.isDirectory(dir), "install Debian's libonnx-testdata: " + dir + " is missing");
    OnnxGraph graph = OnnxGraph.read(dir.resolve("model.onnx"));
    Path copy = tmp.resolve("copy.onnx");
    graph.write(copy);
    OnnxGraph again = OnnxGraph.read(copy);
    assertArrayEquals(Files.readAllBytes(dir.resolve("model.onnx")), again.toBytes());

    Tensor input = TensorProtos.toTensor(TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/input_0.pb"))));
    Tensor expected = TensorProtos.toTensor(TensorProto.parseFrom(Files.readAllBytes(dir.resolve("test_data_set_0/output_0.pb"))));
    try (GraphSession session = ENGINE.open(again.toBytes(), name)) {
      String in = again.inputs().get(0).name();
      String out = again.outputs().get(0).name();
      Tensor actual = session.run(Map.of(in, input), List.of(out)).get(out);
      TestModels.assertClose(expected, actual, 1e-4, name);
    }
  }

  @Test
  void exposingIntermediateTensorsKeepsTheScores() {
    OnnxGraph graph = OnnxGraph.read(TestModels.model("resnet18"));
    Tensor input = TestModels.array("resnet18", "input");
    String out = graph.outputs().get(0).name();
    List<String> all = graph.intermediateTensors();
    try (GraphSession plain = ENGINE.open(graph.toBytes(), "plain");
         GraphSession exposed = ENGINE.open(graph.withExtraOutputs(all).toBytes(), "exposed")) {
      Map<String, Tensor> values = exposed.run(Map.of("input", input), all);
      assertEquals(all.size(), values.size());
      // Exposed tensors can change which kernels ONNX Runtime fuses, so the last bits may differ.
      TestModels.assertClose(plain.run(Map.of("input", input), List.of(out)).get(out), values.get(out), 1e-5, "scores");
    }
  }

  @Test
  void producersConsumersAndConstantsAreFound() {
    OnnxGraph graph = OnnxGraph.read(TestModels.model("resnet18"));
    Node gemm = graph.nodes().stream().filter(n -> n.opType().equals("Gemm")).findFirst().orElseThrow();
    assertEquals(gemm, graph.producer(gemm.output()).orElseThrow());
    assertTrue(graph.consumers(gemm.inputs().get(0)).contains(gemm));
    assertArrayEquals(new long[] {1000, 512}, graph.constantTensor(gemm.inputs().get(1)).orElseThrow().shape());
    assertTrue(graph.constant(gemm.inputs().get(0)).isEmpty());
    assertEquals(13, graph.opset());
  }

  @Test
  void rejectsFilesThatAreNotOnnx(@TempDir Path tmp) throws IOException {
    Path png = tmp.resolve("model.onnx");
    Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13});
    LumenException e = assertThrows(LumenException.class, () -> OnnxGraph.read(png));
    assertTrue(e.getMessage().startsWith(png + ": not an ONNX model"), e.getMessage());
    Path text = tmp.resolve("notes.onnx");
    Files.writeString(text, "these are not the weights you are looking for");
    assertTrue(assertThrows(LumenException.class, () -> OnnxGraph.read(text)).getMessage().contains("not an ONNX model"));
    assertTrue(assertThrows(LumenException.class, () -> OnnxGraph.read(tmp.resolve("missing.onnx")))
        .getMessage().contains("no such file"));
  }

  @Test
  void rejectsExposingUnknownTensors() {
    OnnxGraph graph = OnnxGraph.read(TestModels.model("resnet18"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> graph.withExtraOutputs(List.of("layer9")));
    assertEquals("tensor 'layer9' not in resnet18.onnx", e.getMessage());
  }
}
