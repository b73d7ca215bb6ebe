package dev.lumen.core.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.SyntheticModels;
import dev.lumen.core.image.Image;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality measures on cases computed by hand, and deletion and insertion on a model whose
 * score is the sum of one region: the exact map scores best, a random map in between, the
 * inverted map worst.
 */
class QualityMeasuresTest {
  @Test
  void sparsenessAndEntropyByHand() {
    assertEquals(0.75, Complexity.sparseness(new float[] {0, 0, 0, 1}), 1e-12);
    assertEquals(0, Complexity.sparseness(new float[] {2, -2, 2, 2}), 1e-12);
    // sorted 1, 2, 3: (-2*1 + 0*2 + 2*3) / (3 * 6) = 4 / 18
    assertEquals(4.0 / 18, Complexity.sparseness(new float[] {3, 1, -2}), 1e-12);
    assertEquals(0, Complexity.entropy(new float[] {0, 5, 0}), 1e-12);
    assertEquals(Math.log(4), Complexity.entropy(new float[] {1, 1, -1, 1}), 1e-12);
    assertEquals(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), Complexity.entropy(new float[] {1, 3}), 1e-12);
    assertEquals(0, Complexity.sparseness(new float[3]));
    assertThrows(IllegalArgumentException.class, () -> Complexity.entropy(new float[] {Float.NaN}));
  }

  @Test
  void relevanceRankByHand() {
    float[] mask = {0, 1, 1, 0, 0};
    assertEquals(1.0, MapAgreement.relevanceRank(new float[] {0.1f, 0.9f, 0.8f, 0.2f, 0}, mask), 1e-12);
    assertEquals(0.5, MapAgreement.relevanceRank(new float[] {0.95f, 0.9f, 0.1f, 0.2f, 0}, mask), 1e-12);
    assertEquals(0.0, MapAgreement.relevanceRank(new float[] {0.9f, 0, 0, 0.8f, 0.7f}, mask), 1e-12);
    assertEquals(0.0, MapAgreement.relevanceRank(new float[5], new float[5]), 1e-12);
  }

  @Test
  void theExactMapDeletesAndInsertsBestAndTheInvertedOneWorst(@TempDir Path tmp) throws IOException {
    int size = 32;
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), size, 8, 12, 8, 4);
    float[] pixels = new float[size * size];
    float[] exact = new float[size * size];
    float[] inverted = new float[size * size];
    float[] random = new float[size * size];
    Random rng = new Random(3);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        boolean inside = y >= 8 && y < 16 && x >= 12 && x < 16;
        pixels[y * size + x] = inside ? 0.1f * 255 : 0;
        exact[y * size + x] = inside ? 1 : 0;
        inverted[y * size + x] = inside ? 0 : 1;
        random[y * size + x] = rng.nextFloat();
      }
    }
    Image image = Image.gray("region.png", pixels, size, size, 255f);
    Faithfulness.Settings settings = new Faithfulness.Settings(32, Faithfulness.Substrate.ZERO, 0);
    try (Model model = Model.load(file)) {
      double start = model.predict(java.util.List.of(image)).get(0).score(0).probability();
      Faithfulness.Curve best = Faithfulness.deletion(model, image, 0, exact, settings);
      Faithfulness.Curve chance = Faithfulness.deletion(model, image, 0, random, settings);
      Faithfulness.Curve worst = Faithfulness.deletion(model, image, 0, inverted, settings);
      assertEquals(start, best.probabilities()[0], 1e-6, "the curve starts at the study's probability");
      assertEquals(0.5, best.probabilities()[32], 1e-6, "with every pixel zero the sum is 0: sigmoid(0)");
      // the region is 32 of 1024 pixels: the exact map removes it in the first step
      assertEquals(0.5, best.probabilities()[1], 1e-6);
      assertTrue(best.auc() < chance.auc() && chance.auc() < worst.auc(),
          best.auc() + " < " + chance.auc() + " < " + worst.auc());
      Faithfulness.Curve in = Faithfulness.insertion(model, image, 0, exact, settings);
      Faithfulness.Curve inChance = Faithfulness.insertion(model, image, 0, random, settings);
      Faithfulness.Curve inWorst = Faithfulness.insertion(model, image, 0, inverted, settings);
      assertEquals(start, in.probabilities()[1], 1e-6, "the region revealed first");
      assertEquals(start, inWorst.probabilities()[32], 1e-6, "every pixel revealed: the study itself");
      assertTrue(in.auc() > inChance.auc() && inChance.auc() > inWorst.auc(),
          in.auc() + " > " + inChance.auc() + " > " + inWorst.auc());
      assertThrows(IllegalArgumentException.class, () -> new Faithfulness.Settings(0, Faithfulness.Substrate.ZERO, 0));
    }
  }

  /**
   * On the region model the input gradient is the region's mask whatever the input: saliency has
   * sensitivity 0. Input x gradient is the input on the region: noise of half-width r moves it by at
   * most r * top * sqrt(region pixels), relative to the map's norm.
   */
  @Test
  void sensitivityIsZeroForAConstantGradientAndBoundedForInputTimesGradient(@TempDir Path tmp) throws IOException {
    int size = 16;
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), size, 4, 4, 4, 4);
    float[] pixels = new float[size * size];
    java.util.Arrays.fill(pixels, 100f);
    Image image = Image.gray("flat.png", pixels, size, size, 255f);
    try (Model model = Model.load(file)) {
      var saliency = dev.lumen.core.explain.gradient.InputGradients.of(model,
          dev.lumen.core.explain.gradient.InputGradients.Kind.SALIENCY);
      Robustness still = Robustness.of(saliency, image, 0, 4, 0.05, 1);
      assertEquals(0, still.maximum(), 1e-6);
      var inputTimes = dev.lumen.core.explain.gradient.InputGradients.of(model,
          dev.lumen.core.explain.gradient.InputGradients.Kind.INPUT_X_GRADIENT);
      Robustness moved = Robustness.of(inputTimes, image, 0, 6, 0.05, 1);
      // the map is (100 / 255) on 16 pixels, norm 4 * 100 / 255; the noise at most 0.05 per pixel in unit scale
      double bound = 0.05 * Math.sqrt(16) / (4 * 100 / 255.0);
      assertTrue(moved.average() > 0 && moved.maximum() <= bound + 1e-6 && moved.average() <= moved.maximum(),
          moved + " against " + bound);
      assertThrows(IllegalArgumentException.class, () -> Robustness.of(saliency, image, 0, 0, 0.05, 1));
    }
  }
}
