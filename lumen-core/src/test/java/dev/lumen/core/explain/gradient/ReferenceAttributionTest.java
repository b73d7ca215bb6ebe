package dev.lumen.core.explain.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeepLIFT, DeepLIFT-SHAP and GradientSHAP as methods: their attributions add up to the logit's
 * difference from the baselines (exactly for DeepLIFT, in expectation for GradientSHAP), on
 * images with several targets, MRNet exams and 3D volumes.
 */
class ReferenceAttributionTest {

  private static double sum(Explanation e) {
    double total = 0;
    for (float v : e.attribution().orElseThrow().unsafeData()) {
      total += v;
    }
    return total;
  }

  private static double logit(Model model, Tensor input, int item, int label) {
    Tensor logits = model.run(input, List.of(model.logitsName())).get(model.logitsName());
    return logits.get(item * logits.dim(1) + label);
  }

  /** The mean logit of {@code label} over the baselines of {@code input}. */
  private static double baselineLogit(Model model, Tensor input, int item, int label, List<Baseline> baselines) {
    return baselines.stream().mapToDouble(b -> logit(model, b.of(model, input), item, label)).average().orElseThrow();
  }

  @Test
  void deepLiftAddsUpForEveryBaselineAndTarget() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      List<Image> images = List.of(TestImages.noise(64, 64), TestImages.grey(64, 64, 4));
      Tensor input = model.preprocessor().toInput(images);
      for (Baseline baseline : Baseline.values()) {
        List<List<Explanation>> es = DeepLift.of(model, baseline).explain(images, new Targets.Top(2));
        for (int i = 0; i < images.size(); i++) {
          for (Explanation e : es.get(i)) {
            int label = e.target().index();
            double difference = logit(model, input, i, label)
                - baselineLogit(model, input, i, label, List.of(baseline));
            assertEquals(difference, sum(e), 2e-3 * Math.max(1, Math.abs(difference)), baseline + " image " + i);
          }
        }
      }
      DeepLift.Settings set = DeepLift.Settings.deepLiftShap();
      List<List<Explanation>> shap = DeepLift.shap(model, set).explain(images, Targets.top1());
      for (int i = 0; i < images.size(); i++) {
        Explanation e = shap.get(i).get(0);
        int label = e.target().index();
        double difference = logit(model, input, i, label) - baselineLogit(model, input, i, label, set.baselines());
        assertEquals(difference, sum(e), 2e-3 * Math.max(1, Math.abs(difference)), "DeepLIFT-SHAP image " + i);
        assertEquals("deepliftshap", e.provenance().method());
      }
    }
  }

  @Test
  void examsAndVolumesAddUp(@TempDir Path tmp) throws IOException {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1), TestImages.grey(256, 256, 2),
          TestImages.grey(256, 256, 5)));
      Tensor input = model.preprocessor().toInput(exam.slices());
      Explanation e = DeepLift.shap(model, DeepLift.Settings.deepLiftShap()).explain(exam, Targets.top1()).get(0);
      assertEquals(3, e.slices());
      int label = e.target().index();
      double difference = logit(model, input, 0, label)
          - baselineLogit(model, input, 0, label, List.of(Baseline.values()));
      assertEquals(difference, sum(e), 2e-3 * Math.max(1, Math.abs(difference)), "mrnet");
    }
    for (String name : List.of("cnn3d", "r3d_18")) {
      try (Model model = TestModels.volumetric(name, tmp)) {
        Volume volume = TestModels.exam(name);
        Tensor input = model.preprocessor().toInput(volume.slices());
        Explanation e = DeepLift.of(model, Baseline.BLUR).explain(volume, Targets.top1()).get(0);
        assertEquals(volume.depth(), e.slices(), name);
        int label = e.target().index();
        double difference = logit(model, input, 0, label) - logit(model, Baseline.BLUR.of(model, input), 0, label);
        assertEquals(difference, sum(e), 2e-3 * Math.max(1, Math.abs(difference)), name);
      }
    }
  }

  /**
   * Expected gradients from one baseline without noise are integrated gradients by Monte Carlo:
   * with 400 samples the sum is the logit's difference to within a few per cent.
   */
  @Test
  void gradientShapAddsUpInExpectation() {
    try (Model model = Model.load(TestModels.model("dense_head"))) {
      List<Image> images = List.of(TestImages.noise(32, 32));
      Tensor input = model.preprocessor().toInput(images);
      for (Baseline baseline : List.of(Baseline.ZERO, Baseline.BLACK)) {
        Explanation e = GradientShap.of(model, new GradientShap.Settings(List.of(baseline), 400, 0, 3))
            .explain(images, Targets.top1()).get(0).get(0);
        int label = e.target().index();
        double difference = logit(model, input, 0, label) - logit(model, baseline.of(model, input), 0, label);
        assertEquals(difference, sum(e), 0.05 * Math.max(0.1, Math.abs(difference)), baseline.id());
      }
    }
  }

  @Test
  void settingsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> new DeepLift.Settings(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new DeepLift.Settings(List.of(Baseline.ZERO, Baseline.ZERO)));
    assertThrows(IllegalArgumentException.class, () -> new GradientShap.Settings(List.of(Baseline.ZERO), 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> Baseline.named("grey"));
  }
}
