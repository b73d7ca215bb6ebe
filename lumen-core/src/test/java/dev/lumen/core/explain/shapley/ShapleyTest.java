package dev.lumen.core.explain.shapley;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.lime.Coalitions;
import dev.lumen.core.explain.lime.EarlyStop;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.explain.lime.Segments;
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
 * The superpixel methods against the Shapley value's definition: on an image cut into a handful of
 * superpixels every coalition is scored, and KernelSHAP (which then enumerates exactly), Shapley
 * value sampling and feature ablation are compared with the values worked out from those scores.
 */
class ShapleyTest {
  private static final Segmentation FEW = Segmentation.slic(6);

  /** The game of one image: every coalition's probability of {@code label}. */
  private record Game(Coalitions coalitions, double[] value) {
    int players() {
      return coalitions.features();
    }

    double of(long mask) {
      return value[(int) mask];
    }
  }

  private static Game game(Model model, Image image, int label) {
    Coalitions coalitions = Coalitions.of(model, model.preprocessor().toInput(List.of(image)), FEW, Hide.ZERO);
    int m = coalitions.features();
    assertTrue(m >= 3 && m <= 12, m + " superpixels");
    boolean[][] rows = new boolean[1 << m][m];
    for (int mask = 0; mask < rows.length; mask++) {
      for (int f = 0; f < m; f++) {
        rows[mask][f] = (mask >> f & 1) == 1;
      }
    }
    float[][] scores = coalitions.scores(rows, Progress.none(), "every coalition");
    double[] value = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      value[i] = model.prediction("x", Tensor.of(scores[i], 1, scores[i].length), 0).score(label).probability();
    }
    return new Game(coalitions, value);
  }

  /** {@code phi_i = sum_S |S|! (M - |S| - 1)! / M! (v(S + i) - v(S))} over the coalitions without i. */
  private static double[] shapleyValues(Game g) {
    int m = g.players();
    double[] phi = new double[m];
    for (int i = 0; i < m; i++) {
      for (long s = 0; s < (1L << m); s++) {
        if ((s >> i & 1) == 1) {
          continue;
        }
        int size = Long.bitCount(s);
        double weight = factorial(size) * factorial(m - size - 1) / factorial(m);
        phi[i] += weight * (g.of(s | 1L << i) - g.of(s));
      }
    }
    return phi;
  }

  private static double factorial(int n) {
    double f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }

  /** Each superpixel's value in a raw map: the value at its first pixel. */
  private static double[] perSuperpixel(Explanation e, Segments segments) {
    double[] out = new double[segments.count()];
    boolean[] seen = new boolean[segments.count()];
    for (int p = 0; p < segments.labels().length; p++) {
      int s = segments.at(p);
      if (!seen[s]) {
        seen[s] = true;
        out[s] = e.raw().get(p);
      }
    }
    return out;
  }

  @Test
  void kernelShapWithEveryCoalitionIsTheShapleyValue() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(64, 64);
      Explanation e = KernelShap.of(model, new KernelShap.Settings(FEW, Hide.ZERO, 5000, 1)).explain(image);
      Game g = game(model, image, e.target().index());
      double[] expected = shapleyValues(g);
      double[] actual = perSuperpixel(e, g.coalitions().segments().get(0));
      double sum = 0;
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-5, "superpixel " + i);
        sum += actual[i];
      }
      assertEquals(g.of((1L << g.players()) - 1) - g.of(0), sum, 1e-5, "efficiency");
    }
  }

  /**
   * KernelSHAP's early stop scores the seeded draw's first coalitions, {@value EarlyStop#CHECK_EVERY}
   * at a time, until two fits agree: its map is the full method's on that many coalitions, it stops
   * at the first check where the attributions moved less than the tolerance and no earlier, and
   * its details say how many it scored.
   */
  @Test
  void anEarlyStopIsKernelShapOnTheFirstCoalitionsAtTheFirstSettledCheck(@TempDir Path tmp) throws IOException {
    Path file = dev.lumen.core.SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 20, 4, 8, 8);
    Image image = TestImages.squareOnBlack(32, 20, 4, 8, 8f);
    Segmentation cut = Segmentation.slic(40);
    double tolerance = 0.05;
    try (Model model = Model.load(file)) {
      Segments segments = Coalitions.of(model, model.preprocessor().toInput(List.of(image)), cut, Hide.ZERO)
          .segments().get(0);
      assertTrue((1L << segments.count()) - 2 > 4000, "coalitions are sampled: " + segments.count() + " superpixels");
      java.util.function.IntFunction<Explanation> full = n -> KernelShap.of(model,
          new KernelShap.Settings(cut, Hide.ZERO, n, 4)).explain(image);
      Explanation early = KernelShap.of(model, new KernelShap.Settings(cut, Hide.ZERO, 4000, 4, tolerance))
          .explain(image);
      int n = (Integer) early.details().get("coalitions");
      assertTrue(n < 4000 && n >= 2 * EarlyStop.CHECK_EVERY && n % EarlyStop.CHECK_EVERY == 0, "stopped at " + n);
      assertArrayEquals(full.apply(n).raw().toArray(), early.raw().toArray(), "KernelSHAP on the first " + n);
      java.util.function.IntFunction<double[][]> values = k -> new double[][] {perSuperpixel(full.apply(k), segments)};
      assertTrue(EarlyStop.change(values.apply(n - EarlyStop.CHECK_EVERY), values.apply(n)) < tolerance);
      for (int k = 2 * EarlyStop.CHECK_EVERY; k < n; k += EarlyStop.CHECK_EVERY) {
        assertTrue(EarlyStop.change(values.apply(k - EarlyStop.CHECK_EVERY), values.apply(k)) >= tolerance,
            "not yet settled at " + k);
      }
      assertTrue(full.apply(4000).details().isEmpty(), "without a tolerance nothing to report");
    }
  }

  @Test
  void shapleySamplingIsEfficientAndConverges() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(64, 64);
      Explanation e = ShapleySampling.of(model, new ShapleySampling.Settings(FEW, Hide.ZERO, 300, 4)).explain(image);
      Game g = game(model, image, e.target().index());
      double[] expected = shapleyValues(g);
      double[] actual = perSuperpixel(e, g.coalitions().segments().get(0));
      double sum = 0;
      double spread = 0;
      for (int i = 0; i < expected.length; i++) {
        sum += actual[i];
        spread = Math.max(spread, Math.abs(expected[i]));
      }
      assertEquals(g.of((1L << g.players()) - 1) - g.of(0), sum, 1e-5, "every permutation adds up");
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 0.15 * spread + 1e-6, "superpixel " + i + " after 300 permutations");
      }
    }
  }

  @Test
  void featureAblationIsTheDropWhenOneSuperpixelIsHidden() {
    try (Model model = Model.load(TestModels.model("resnet18"))) {
      Image image = TestImages.noise(64, 64);
      List<Explanation> es = FeatureAblation.of(model, FEW, Hide.ZERO).explain(List.of(image), new Targets.Top(2))
          .get(0);
      assertEquals(2, es.size());
      for (Explanation e : es) {
        Game g = game(model, image, e.target().index());
        long all = (1L << g.players()) - 1;
        double[] actual = perSuperpixel(e, g.coalitions().segments().get(0));
        for (int i = 0; i < actual.length; i++) {
          assertEquals(g.of(all) - g.of(all & ~(1L << i)), actual[i], 1e-6, "superpixel " + i);
        }
      }
    }
  }

  /**
   * An exam's hundreds of superpixels with fewer samples than superpixels (the minimum-norm fit)
   * and a 3D volume's depth slices: finite maps, one slice per slice, adding up to the
   * probability's difference from the fully hidden input.
   */
  @Test
  void examsAndVolumesAddUp(@TempDir Path tmp) throws IOException {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1), TestImages.grey(256, 256, 2),
          TestImages.grey(256, 256, 3)));
      Segmentation many = Segmentation.slic(100);
      Explanation e = KernelShap.of(model, new KernelShap.Settings(many, Hide.MEAN, 60, 3))
          .explain(exam, Targets.top1()).get(0);
      assertEquals(3, e.slices());
      Coalitions c = Coalitions.of(model, model.preprocessor().toInput(exam.slices()), many, Hide.MEAN);
      assertTrue(c.features() > 60, c.features() + " superpixels");
      assertAddsUp(model, c, e);
    }
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume volume = TestModels.exam("cnn3d");
      Segmentation cut = Segmentation.slic(4);
      Explanation e = ShapleySampling.of(model, new ShapleySampling.Settings(cut, Hide.ZERO, 2, 1))
          .explain(volume, Targets.top1()).get(0);
      assertEquals(volume.depth(), e.slices());
      assertAddsUp(model, Coalitions.of(model, model.preprocessor().toInput(volume.slices()), cut, Hide.ZERO), e);
    }
  }

  /** The attributions of every superpixel of every slice sum to {@code p(x) - p(all hidden)}. */
  private static void assertAddsUp(Model model, Coalitions c, Explanation e) {
    boolean[][] ends = new boolean[2][c.features()];
    java.util.Arrays.fill(ends[1], true);
    float[][] scores = c.scores(ends, Progress.none(), "ends");
    double difference = model.prediction("x", Tensor.of(scores[1], 1, scores[1].length), 0)
        .score(e.target().index()).probability()
        - model.prediction("x", Tensor.of(scores[0], 1, scores[0].length), 0).score(e.target().index()).probability();
    int plane = c.segments().get(0).labels().length;
    double sum = 0;
    for (int b = 0; b < c.slices(); b++) {
      Segments s = c.segments().get(b);
      boolean[] seen = new boolean[s.count()];
      for (int p = 0; p < plane; p++) {
        float v = e.raw().get(b * plane + p);
        assertTrue(Float.isFinite(v));
        if (!seen[s.at(p)]) {
          seen[s.at(p)] = true;
          sum += v;
        }
      }
    }
    assertEquals(difference, sum, 1e-4, "the attributions add up");
  }
}
