package dev.lumen.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.OnnxGraph;
import dev.lumen.core.onnx.TensorShapes;
import dev.lumen.core.runtime.Engine;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.runtime.GraphSession;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rectifier rules against their definitions, many seeds in one run, and the errors. */
class PropagationTest {
  private static final Engine ENGINE = new Engine(EngineOptions.defaults());
  private static final float[] X = {-2, -1, 0.5f, 1, 2, 3};
  private static final float[] C = {1, -1, 1, -1, 2, -3};

  /** {@code score = sum(c * relu(x))}: the gradient reaching the rectifier is {@code c}. */
  private static float[] gradient(Propagation propagation) {
    TinyGraph g = TinyGraph.input(13, 1, 6);
    String y = g.op("Mul", List.of(g.op("Relu", List.of(g.x())), g.emitter().floats(C, 1, 6)));
    OnnxGraph graph = g.build(y);
    Tensor x = Tensor.of(X, 1, 6);
    GradientRequest request = new GradientRequest("score", List.of("x"), Seed.given(), propagation);
    OnnxGraph compiled = Autodiff.compile(graph, GradientCheck.shapes(graph, "x", x), request);
    float[] seed = {1, 1, 1, 1, 1, 1};
    try (GraphSession session = ENGINE.open(compiled.toBytes(), "relu")) {
      return session.run(Map.of("x", x, Autodiff.SEED, Tensor.of(seed, 1, 1, 6)), List.of(Autodiff.gradientOf("x")))
          .get(Autodiff.gradientOf("x")).toArray();
    }
  }

  @Test
  void rectifierRules() {
    float[] exact = gradient(Propagation.GRADIENT);
    float[] guided = gradient(Propagation.GUIDED_BACKPROP);
    float[] deconv = gradient(Propagation.DECONVNET);
    for (int i = 0; i < X.length; i++) {
      assertEquals(X[i] > 0 ? C[i] : 0, exact[i], 0f, "gradient at " + i);
      assertEquals(X[i] > 0 && C[i] > 0 ? C[i] : 0, guided[i], 0f, "guided backprop at " + i);
      assertEquals(Math.max(C[i], 0), deconv[i], 0f, "deconvnet at " + i);
    }
  }

  @Test
  void manySeedsInOneRunEqualOneRunEach() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Tensor input = TestModels.array("resnet18", "input");
      String layer = model.defaultLayer();
      GradientRequest request = new GradientRequest(model.logitsName(), List.of(layer), Seed.given(), Propagation.GRADIENT);
      int[] labels = {3, 500, 999};
      float[] rows = new float[3 * 1000];
      for (int k = 0; k < 3; k++) {
        rows[k * 1000 + labels[k]] = 1;
      }
      Tensor all = model.runGradients(input, request, Tensor.of(rows, 3, 1, 1000)).get(Autodiff.gradientOf(layer));
      for (int k = 0; k < 3; k++) {
        float[] one = new float[1000];
        one[labels[k]] = 1;
        Tensor single = model.runGradients(input, request, Tensor.of(one, 1, 1, 1000)).get(Autodiff.gradientOf(layer));
        TestModels.assertClose(single.slice(0), all.slice(k), 1e-6, "seed " + k);
      }
    }
  }

  @Test
  void anOperatorWithoutRuleOnThePathIsNamed() {
    TinyGraph g = TinyGraph.input(13, 1, 4);
    String erf = g.op("Erf", List.of(g.x()));
    OnnxGraph graph = g.build(g.op("Relu", List.of(erf)));
    TensorShapes shapes = GradientCheck.shapes(graph, "x", Tensor.zeros(1, 4));
    LumenException e = assertThrows(LumenException.class, () -> Autodiff.compile(graph, shapes,
        new GradientRequest("score", List.of("x"), Seed.given(), Propagation.GRADIENT)));
    assertTrue(e.getMessage().contains("(Erf)") && e.getMessage().contains("no gradient rule"), e.getMessage());
    // below the requested tensor it does not matter
    Autodiff.compile(graph, shapes, new GradientRequest("score", List.of(erf), Seed.given(), Propagation.GRADIENT));
  }
}
