package dev.lumen.core.explain.fixations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.SyntheticModels;
import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnFixationsTest {

  /** With a residual branch and with a concatenation, every fixation falls inside the region that drives the score. */
  @Test
  void fixationsFallInsideTheRegion(@TempDir Path tmp) throws IOException {
    for (SyntheticModels.Join join : SyntheticModels.Join.values()) {
      Path file = SyntheticModels.regionBranches(tmp.resolve(join + ".onnx"), join, 32, 18, 6, 8, 8);
      try (Model model = Model.load(file)) {
        Image image = TestImages.grey(32, 32, 5);
        FixationResult r = CnnFixations.of(model, CnnFixations.Settings.defaults())
            .explainDetailed(List.of(image), Targets.top1(), Progress.none()).get(0).get(0);
        assertTrue(r.points().size() >= 5, join + ": " + r.points().size() + " fixations");
        for (int[] p : r.points()) {
          assertTrue(p[1] >= 18 && p[1] < 26 && p[2] >= 6 && p[2] < 14, join + ": fixation at " + p[2] + "," + p[1]);
        }
        float[] heat = r.explanation().heatmap(0).toArray();
        int best = 0;
        for (int i = 0; i < heat.length; i++) {
          best = heat[i] > heat[best] ? i : best;
        }
        assertTrue(best / 32 >= 18 && best / 32 < 26 && best % 32 >= 6 && best % 32 < 14, join + ": heat peak");
      }
    }
  }

  @Test
  void outliersAreDroppedAndRealArchitecturesTrace() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      FixationResult r = CnnFixations.of(model, new CnnFixations.Settings(0.03, 1.0))
          .explainDetailed(List.of(TestImages.noise(224, 224)), Targets.top1(), Progress.none()).get(0).get(0);
      assertTrue(r.points().size() > 10, "ResNet-18 (residual additions, max pooling) traces to " + r.points().size());
      assertFalse(r.outliers().isEmpty(), "a tight threshold drops some fixations");
    }
    for (String name : List.of("densenet121", "mobilenet_v2", "squeezenet1_1", "keras_style")) {
      try (Model model = Model.load(TestModels.model(name))) {
        int w = model.input().width();
        int h = model.input().height();
        FixationResult r = CnnFixations.of(model, CnnFixations.Settings.defaults())
            .explainDetailed(List.of(TestImages.noise(w, h)), Targets.top1(), Progress.none()).get(0).get(0);
        assertFalse(r.points().isEmpty(), name + " traces to the input");
      }
    }
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1), TestImages.grey(256, 256, 2)));
      FixationResult r = CnnFixations.of(model, CnnFixations.Settings.defaults()).explainDetailed(exam, Targets.top1())
          .get(0);
      assertEquals(2, r.explanation().slices());
      assertFalse(r.points().isEmpty(), "MRNet traces through the max over slices");
    }
  }
}
