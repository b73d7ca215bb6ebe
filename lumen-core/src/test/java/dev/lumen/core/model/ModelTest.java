package dev.lumen.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import dev.lumen.core.preprocess.Channels;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelTest {

  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "mobilenet_v2", "densenet121", "squeezenet1_1", "multilabel14", "mrnet",
      "mrnet_opset11", "keras_style", "keras_style_opset17", "dense_head"})
  void scoresEqualBareOnnxRuntimeAndPyTorch(String name) throws Exception {
    Tensor input = TestModels.array(name, "input");
    try (Model model = Model.load(TestModels.model(name))) {
      Tensor lumen = model.run(input, List.of()).get(model.scoresName());
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession bare = env.createSession(TestModels.model(name).toString());
           OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toArray()), input.shape());
           OrtSession.Result r = bare.run(Map.of(bare.getInputNames().iterator().next(), t))) {
        float[] expected = new float[lumen.size()];
        ((OnnxTensor) r.get(0)).getFloatBuffer().get(expected);
        assertEquals(Tensor.of(expected, lumen.shape()), lumen, "Lumen's run must be ONNX Runtime's, bit for bit");
      }
      TestModels.assertClose(TestModels.array(name, "scores"), lumen, 1e-4, name + " against PyTorch");
    }
  }

  @Test
  void infersTaskLayoutAndVolumeFromTheGraph() {
    try (Model resnet = Model.load(TestModels.model("resnet18"));
         Model multi = Model.load(TestModels.model("multilabel14"));
         Model keras = Model.load(TestModels.model("keras_style"));
         Model mrnet = Model.load(TestModels.model("mrnet"))) {
      assertEquals(Task.MULTI_CLASS, resnet.task());
      assertTrue(resnet.outputActivation().isEmpty());
      assertEquals(Layout.NCHW, resnet.input().layout());
      assertEquals(224, resnet.input().width());
      assertEquals(Task.MULTI_LABEL, multi.task());
      assertEquals(14, multi.labels().size());
      assertEquals(Layout.NHWC, keras.input().layout());
      assertEquals(Channels.RGB, keras.input().channels());
      assertEquals(48, keras.input().width());
      assertEquals(64, keras.input().height());
      assertEquals("Softmax", keras.outputActivation().orElseThrow());
      assertTrue(mrnet.input().volume());
      assertFalse(resnet.input().volume());
    }
  }

  @Test
  void predictionTurnsLogitsIntoProbabilities() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Tensor scores = TestModels.array("resnet18", "scores");
      Prediction p = model.prediction("x", scores, 0);
      double sum = p.scores().stream().mapToDouble(LabelScore::probability).sum();
      assertEquals(1.0, sum, 1e-4);
      int argmax = 0;
      for (int i = 0; i < scores.size(); i++) {
        argmax = scores.get(i) > scores.get(argmax) ? i : argmax;
      }
      assertEquals(argmax, p.best().index());
    }
  }

  @Test
  void defaultLayerIsTheFeatureMapTheHeadPools() throws Exception {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      String layer = model.defaultLayer();
      Layer l = model.layers().stream().filter(x -> x.tensor().equals(layer)).findFirst().orElseThrow();
      assertEquals(List.of(1L, 512L, 7L, 7L), java.util.Arrays.stream(l.shape()).boxed().toList());
      assertEquals("GlobalAveragePool", model.head().pooling().opType());
    }
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      assertThrows(Head.NotLinearHead.class, model::head);
      Layer l = model.layers().stream().filter(x -> x.tensor().equals(model.defaultLayer())).findFirst().orElseThrow();
      assertTrue(l.isSpatial(), "falls back to the last spatial map: " + l);
    }
  }

  @Test
  void cardFillsLabelsAndRejectsContradictions(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("dense_head.onnx");
    Files.copy(TestModels.model("dense_head"), model);
    Files.writeString(ModelCard.pathFor(model), "{\"labels\": [\"a\", \"b\", \"c\"], \"task\": \"multi-label\"}");
    try (Model m = Model.load(model)) {
      assertEquals(List.of("a", "b", "c"), m.labels());
      assertEquals(Task.MULTI_LABEL, m.task());
      assertEquals(1, m.labelIndex("B"));
      assertEquals(2, m.labelIndex("2"));
      assertTrue(assertThrows(IllegalArgumentException.class, () -> m.labelIndex("d")).getMessage()
          .contains("labels: [a, b, c]"));
    }
    Files.writeString(ModelCard.pathFor(model), "{\"labels\": [\"a\", \"b\"]}");
    assertTrue(assertThrows(LumenException.class, () -> Model.load(model)).getMessage()
        .contains("the card lists 2 labels but the model outputs 3 scores"));
    Files.writeString(ModelCard.pathFor(model), "{\"lables\": [\"a\"]}");
    assertTrue(assertThrows(LumenException.class, () -> Model.load(model)).getMessage()
        .contains("unknown field 'lables'"));
  }

  @Test
  void closeTwiceIsHarmlessAndUseAfterCloseFails() {
    Model model = Model.load(TestModels.model("dense_head"));
    model.close();
    model.close();
    Tensor input = TestModels.array("dense_head", "input");
    assertThrows(IllegalStateException.class, () -> model.run(input, List.of()));
  }
}
