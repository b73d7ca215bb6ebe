package dev.lumen.core.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestModels;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gradients compiled by Lumen on real architectures equal PyTorch autograd's (in float64): the
 * top class's logit differentiated with respect to the input and to the feature map CAM uses.
 */
class ModelGradientsTest {

  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "resnet50", "mobilenet_v2", "densenet121", "squeezenet1_1", "alexnet",
      "multilabel14", "mrnet", "mrnet_opset11", "keras_style", "keras_style_opset17", "dense_head"})
  void gradientsEqualAutograd(String name) {
    try (Model model = Model.load(TestModels.model(name))) {
      Tensor input = TestModels.array(name, "input");
      boolean withLayer = Files.exists(TestModels.dir().resolve(name + ".grad_layer.npy"));
      List<String> wrt = new ArrayList<>(List.of(model.input().name()));
      if (withLayer) {
        wrt.add(model.defaultLayer());
      }
      GradientRequest request = new GradientRequest(model.logitsName(), wrt, Seed.topK(1), Propagation.GRADIENT);
      Map<String, Tensor> out = model.runGradients(input, request, null);

      Tensor scores = TestModels.array(name, "scores");
      assertEquals(argmax(scores), (int) out.get(Autodiff.TARGETS).get(0), "the top class");
      Tensor gradInput = out.get(Autodiff.gradientOf(model.input().name()));
      assertGradient(TestModels.array(name, "grad_input"), gradInput, name + " gradient of the input");
      if (withLayer) {
        Tensor expected = TestModels.array(name, "grad_layer");
        assertGradient(expected, out.get(Autodiff.gradientOf(model.defaultLayer())), name + " gradient of "
            + model.defaultLayer());
      }
    }
  }

  /**
   * Asserts a float32 gradient equals the float64 reference: relative L2 error at most 1e-3 (most
   * models reach 1e-6), and
   * at most 1% of the elements off by more than 1e-4 of the largest. (Where a pre-activation lies
   * within float32 rounding of a ReLU's kink, a patch of the input gradient differs slightly:
   * DenseNet-121 here, at 2.6e-4.)
   */
  private static void assertGradient(Tensor expected, Tensor actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": size");
    double scale = 0;
    double error = 0;
    double norm = 0;
    for (int i = 0; i < expected.size(); i++) {
      scale = Math.max(scale, Math.abs(expected.get(i)));
      double d = expected.get(i) - actual.get(i);
      error += d * d;
      norm += (double) expected.get(i) * expected.get(i);
    }
    int off = 0;
    for (int i = 0; i < expected.size(); i++) {
      off += Math.abs(expected.get(i) - actual.get(i)) > 1e-4 * scale ? 1 : 0;
    }
    double relative = Math.sqrt(error / norm);
    assertTrue(relative <= 1e-3 && off <= expected.size() / 100,
        what + ": relative L2 error " + relative + ", " + off + " of " + expected.size() + " elements off");
  }

  private static int argmax(Tensor t) {
    int best = 0;
    for (int i = 1; i < t.size(); i++) {
      if (t.get(i) > t.get(best)) {
        best = i;
      }
    }
    return best;
  }
}
