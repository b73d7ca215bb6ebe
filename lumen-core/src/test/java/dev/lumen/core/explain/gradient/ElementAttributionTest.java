package dev.lumen.core.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Input methods also give the attribution of every input element, [slices, C, h, w], as Captum returns it. */
class ElementAttributionTest {

  @Test
  void theGradientOfEveryInputElementEqualsPyTorchsAutograd() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Tensor input = TestModels.array("resnet18", "input");
      InputGradients saliency = InputGradients.of(model, InputGradients.Kind.SALIENCY);
      GradientExplainer.Pass pass = saliency.pass(input, Targets.top1(), 1);
      Tensor gradient = saliency.attribution(input, pass, Progress.none());
      Tensor ours = saliency.elementAttribution(Map.of(Autodiff.gradientOf(model.input().name()), gradient.slice(0)))
          .orElseThrow();
      TestModels.assertClose(TestModels.array("resnet18", "grad_input"), ours, 1e-3, "d logit / d input");
    }
  }

  @Test
  void theRawMapIsTheChannelSumOfTheAttribution() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(224, 224);
      for (var explainer : java.util.List.of(InputGradients.of(model, InputGradients.Kind.INPUT_X_GRADIENT),
          GuidedGradCam.of(model))) {
        Explanation e = explainer.explain(image);
        Tensor a = e.attribution().orElseThrow();
        assertArrayEquals(new long[] {1, 3, 224, 224}, a.shape(), explainer.method());
        float[] sum = new float[224 * 224];
        for (int c = 0; c < 3; c++) {
          for (int p = 0; p < sum.length; p++) {
            sum[p] += a.get(c * sum.length + p);
          }
        }
        TestModels.assertClose(e.raw(), Tensor.of(sum, 1, 224, 224), 1e-5, explainer.method());
      }
      assertTrue(GradientCam.of(model, CamFormula.GRADCAM).explain(image).attribution().isEmpty(),
          "layer methods have no input-shaped attribution");
    }
  }
}
