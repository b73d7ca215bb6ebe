package dev.lumen.core.explain.lime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LimeTest {

  /**
   * The score is the sum over a square drawn faintly on black (sum about 2: the probability is
   * not saturated): the superpixels inside it get the largest weights.
   */
  @Test
  void ranksTheRegionTheScoreDependsOnFirst(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 20, 4, 8, 8);
    Image flat = dev.lumen.core.TestImages.squareOnBlack(32, 20, 4, 8, 8f);
    try (Model model = Model.load(file)) {
      Lime lime = Lime.of(model, new Lime.Settings(Segmentation.slic(16), Hide.ZERO, 400, 0.25,
          FeatureSelection.AUTO, Integer.MAX_VALUE, 4));
      LimeResult r = lime.explainDetailed(List.of(flat), Targets.top1(), Progress.none()).get(0).get(0);
      float[] raw = r.explanation().raw().toArray();
      int best = 0;
      for (int i = 0; i < raw.length; i++) {
        best = raw[i] > raw[best] ? i : best;
      }
      int y = best / 32;
      int x = best % 32;
      assertTrue(y >= 20 && y < 28 && x >= 4 && x < 12, "peak at " + x + "," + y);
      int[] top = r.top(1, true).get(0);
      assertTrue(r.weight(0, top[1]) > 0);
      assertTrue(r.r2() > 0.5, "the surrogate fits: R2 " + r.r2());
      assertEquals(r.modelPrediction(), r.localPrediction(), 0.05, "local prediction near the model's");
      assertArrayEquals(r.weights(), lime.explainDetailed(List.of(flat), Targets.top1(), Progress.none())
          .get(0).get(0).weights(), "the same seed gives the same weights");
    }
  }

  /**
   * An early stop scores the seeded neighbourhood's first samples, {@value EarlyStop#CHECK_EVERY} at a
   * time, until two fits agree: its result is the full method's on that many samples, it stops
   * at the first check where the weights moved less than the tolerance, and no earlier.
   */
  @Test
  void anEarlyStopIsLimeOnTheFirstSamplesAtTheFirstSettledCheck(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 20, 4, 8, 8);
    Image flat = dev.lumen.core.TestImages.squareOnBlack(32, 20, 4, 8, 8f);
    double tolerance = 0.05;
    try (Model model = Model.load(file)) {
      java.util.function.IntFunction<LimeResult> full = n -> Lime.of(model, new Lime.Settings(Segmentation.slic(16),
          Hide.ZERO, n, 0.25, FeatureSelection.AUTO, Integer.MAX_VALUE, 4)).explainDetailed(List.of(flat),
          Targets.top1(), Progress.none()).get(0).get(0);
      LimeResult early = Lime.of(model, new Lime.Settings(Segmentation.slic(16), Hide.ZERO, 2000, 0.25,
          FeatureSelection.AUTO, Integer.MAX_VALUE, 4, tolerance)).explainDetailed(List.of(flat), Targets.top1(),
          Progress.none()).get(0).get(0);
      int n = early.samples();
      assertTrue(n < 2000 && n >= 2 * EarlyStop.CHECK_EVERY && n % EarlyStop.CHECK_EVERY == 0, "stopped at " + n);
      assertEquals(n, early.summary().get("samples"));
      assertArrayEquals(full.apply(n).weights(), early.weights(), "LIME on the first " + n + " samples");
      assertTrue(change(full.apply(n - EarlyStop.CHECK_EVERY), full.apply(n)) < tolerance, "settled at " + n);
      for (int k = 2 * EarlyStop.CHECK_EVERY; k < n; k += EarlyStop.CHECK_EVERY) {
        assertTrue(change(full.apply(k - EarlyStop.CHECK_EVERY), full.apply(k)) >= tolerance,
            "not yet settled at " + k);
      }
      assertEquals(2000, full.apply(2000).samples(), "without a tolerance every sample is fitted");
    }
  }

  private static double change(LimeResult a, LimeResult b) {
    double diff = 0;
    double norm = 0;
    for (int f = 0; f < b.weights().length; f++) {
      diff += Math.pow(b.weights()[f] - a.weights()[f], 2);
      norm += Math.pow(b.weights()[f], 2);
    }
    return Math.sqrt(diff / norm);
  }

  @Test
  void runsOnGreyAndColourModelsAndVolumes() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      LimeResult r = Lime.of(model, new Lime.Settings(Segmentation.slic(20), Hide.MEAN, 24, 0.25,
          FeatureSelection.HIGHEST_WEIGHTS, 5, 1)).explainDetailed(List.of(TestImages.grey(300, 200, 2)),
          Targets.top(2), Progress.none()).get(0).get(1);
      assertEquals(5, Arrays.stream(r.weights()).filter(v -> v != 0).count(), "five features kept");
      assertEquals(List.of(1L, 224L, 224L), List.of(r.explanation().raw().shape()[0], r.explanation().raw().shape()[1],
          r.explanation().raw().shape()[2]));
      assertEquals(200, r.explanation().heatmap().dim(1), "heat map in the image's geometry");
    }
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1), TestImages.grey(256, 256, 2)));
      LimeResult r = Lime.of(model, new Lime.Settings(Segmentation.slic(10), Hide.BLUR, 12, 0.25,
          FeatureSelection.NONE, Integer.MAX_VALUE, 1)).explainDetailed(exam, Targets.top1(), Progress.none()).get(0);
      assertEquals(2, r.segments().size());
      assertEquals(2, r.explanation().slices());
      assertEquals(r.segments().get(0).count() + r.segments().get(1).count(), r.weights().length);
    }
  }
}
