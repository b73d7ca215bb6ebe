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
      CopyScorer scorer = CopyScorer.of(model, image);
      Voxels study = Voxels.of(image);
      PerturbationCurve best = Faithfulness.deletion(scorer, study, 0, exact, settings);
      PerturbationCurve chance = Faithfulness.deletion(scorer, study, 0, random, settings);
      PerturbationCurve worst = Faithfulness.deletion(scorer, study, 0, inverted, settings);
      assertEquals(start, best.probabilities()[0], 1e-6, "the curve starts at the study's probability");
      assertEquals(0.5, best.probabilities()[32], 1e-6, "with every pixel zero the sum is 0: sigmoid(0)");
      // the region is 32 of 1024 pixels: the exact map removes it in the first step
      assertEquals(0.5, best.probabilities()[1], 1e-6);
      assertTrue(best.area() < chance.area() && chance.area() < worst.area(),
          best.area() + " < " + chance.area() + " < " + worst.area());
      PerturbationCurve in = Faithfulness.insertion(scorer, study, 0, exact, settings);
      PerturbationCurve inChance = Faithfulness.insertion(scorer, study, 0, random, settings);
      PerturbationCurve inWorst = Faithfulness.insertion(scorer, study, 0, inverted, settings);
      assertEquals(start, in.probabilities()[1], 1e-6, "the region revealed first");
      assertEquals(start, inWorst.probabilities()[32], 1e-6, "every pixel revealed: the study itself");
      assertTrue(in.area() > inChance.area() && inChance.area() > inWorst.area(),
          in.area() + " > " + inChance.area() + " > " + inWorst.area());
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

  @Test
  void curvesByHand() {
    PerturbationCurve curve = new PerturbationCurve(new double[] {0, 0.5, 1}, new double[] {0.9, 0.5, 0.1});
    assertEquals((0.7 + 0.3) / 2, curve.area(), 1e-12);
    assertEquals(0.5, curve.mean(), 1e-12);
    // AOPC: ((0.9 - 0.9) + (0.9 - 0.5) + (0.9 - 0.1)) / 3
    assertEquals(0.4, curve.averageDrop(), 1e-12);
  }

  /**
   * ROAD on the region model: the exact map removes the region first (MoRF at sigmoid(0)) and
   * keeps it under LeRF (the study's probability): the largest gap; the inverted map the reverse.
   */
  @Test
  void roadGivesTheExactMapTheLargestGap(@TempDir Path tmp) throws IOException {
    int size = 32;
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), size, 8, 12, 8, 4);
    Maps maps = new Maps(size, 8, 12, 8, 4, 0.1f * 255);
    Road.Settings noNoise = new Road.Settings(new double[] {10, 50, 90}, 0);
    try (Model model = Model.load(file)) {
      double start = model.predict(java.util.List.of(maps.image)).get(0).score(0).probability();
      CopyScorer scorer = CopyScorer.of(model, maps.image);
      Road.Result best = Road.of(scorer, maps.study, 0, maps.exact, noNoise, 1);
      for (int i = 0; i < 3; i++) {
        assertEquals(0.5, best.mostRelevantFirst().probabilities()[i], 1e-6, "the region filled from zeros");
        assertEquals(start, best.leastRelevantFirst().probabilities()[i], 1e-6, "the region kept");
      }
      assertEquals(start - 0.5, best.gap(), 1e-6);
      Road.Result chance = Road.of(scorer, maps.study, 0, maps.random, Road.Settings.defaults(), 1);
      Road.Result worst = Road.of(scorer, maps.study, 0, maps.inverted, Road.Settings.defaults(), 1);
      assertTrue(best.gap() > chance.gap() && chance.gap() > worst.gap(),
          best.gap() + " > " + chance.gap() + " > " + worst.gap());
      assertEquals(0.5 - start, worst.gap(), 0.02);
    }
    assertThrows(IllegalArgumentException.class, () -> new Road.Settings(new double[] {0, 50}, 0.01));
    assertThrows(IllegalArgumentException.class, () -> new Road.Settings(new double[] {50, 100}, 0.01));
    assertThrows(IllegalArgumentException.class, () -> new Road.Settings(new double[] {60, 50}, 0.01));
    assertThrows(IllegalArgumentException.class, () -> new Road.Settings(new double[] {}, 0.01));
  }

  /**
   * Pixel flipping on a model of a bright 2 x 2 region: the exact map flips it first (the largest
   * AOPC), the inverted map flips only pixels the model ignores (AOPC 0).
   */
  @Test
  void aopcIsLargestForTheExactMapAndZeroForTheInverted(@TempDir Path tmp) throws IOException {
    int size = 32;
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), size, 8, 12, 2, 2);
    Maps maps = new Maps(size, 8, 12, 2, 2, 255f);
    PixelFlipping.Settings settings = new PixelFlipping.Settings(1, 50);
    try (Model model = Model.load(file)) {
      CopyScorer scorer = CopyScorer.of(model, maps.image);
      PerturbationCurve best = PixelFlipping.of(scorer, maps.study, 0, maps.exact, settings, 1);
      PerturbationCurve chance = PixelFlipping.of(scorer, maps.study, 0, maps.random, settings, 1);
      PerturbationCurve worst = PixelFlipping.of(scorer, maps.study, 0, maps.inverted, settings, 1);
      assertEquals(51, best.probabilities().length, "the study, then one point per region flipped");
      assertEquals(50.0 / 1024, best.fractions()[50], 1e-12);
      assertEquals(0, worst.averageDrop(), 1e-9);
      assertTrue(best.averageDrop() > chance.averageDrop() && chance.averageDrop() >= worst.averageDrop(),
          best.averageDrop() + " > " + chance.averageDrop() + " >= " + worst.averageDrop());
      PerturbationCurve scaled = PixelFlipping.of(scorer, maps.study, 0, maps.exact,
          new PixelFlipping.Settings(0, 2000), 1);
      assertEquals(1025, scaled.probabilities().length, "9 px at 224 is 1 px at 32; at most every region");
    }
    assertThrows(IllegalArgumentException.class, () -> new PixelFlipping.Settings(1, 0));
    assertThrows(IllegalArgumentException.class, () -> new PixelFlipping.Settings(-1, 10));
  }

  /** A study bright on one rectangle, and its exact, inverted and random maps. */
  private static final class Maps {
    final Image image;
    final Voxels study;
    final float[] exact;
    final float[] inverted;
    final float[] random;

    Maps(int size, int top, int left, int height, int width, float value) {
      float[] pixels = new float[size * size];
      exact = new float[size * size];
      inverted = new float[size * size];
      random = new float[size * size];
      Random rng = new Random(3);
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          boolean inside = y >= top && y < top + height && x >= left && x < left + width;
          pixels[y * size + x] = inside ? value : 0;
          exact[y * size + x] = inside ? 1 : 0;
          inverted[y * size + x] = inside ? 0 : 1;
          random[y * size + x] = rng.nextFloat();
        }
      }
      image = Image.gray("region.png", pixels, size, size, 255f);
      study = Voxels.of(image);
    }
  }
}
