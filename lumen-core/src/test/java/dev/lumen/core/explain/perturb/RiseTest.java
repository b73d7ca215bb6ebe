package dev.lumen.core.explain.perturb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.SyntheticModels;
import dev.lumen.core.TestImages;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RiseTest {

  @Test
  void masksAreSoftAndKeepTheirProbabilityOnAverage(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 0, 0, 4, 4);
    try (Model model = Model.load(file)) {
      Rise rise = Rise.of(model, new Rise.Settings(1, 4, 0.5, 1));
      Random rng = new Random(5);
      double[] mean = new double[32 * 32];
      int n = 3000;
      boolean soft = false;
      for (int i = 0; i < n; i++) {
        float[] m = rise.mask(rng);
        for (int p = 0; p < m.length; p++) {
          assertTrue(m[p] >= 0f && m[p] <= 1f);
          soft |= m[p] > 0.05f && m[p] < 0.95f;
          mean[p] += m[p] / n;
        }
      }
      assertTrue(soft, "bilinear upsampling gives soft edges");
      for (double v : mean) {
        assertEquals(0.5, v, 0.05);
      }
    }
  }

  @Test
  void ranksTheRegionTheScoreDependsOnFirst(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 20, 4, 8, 8);
    float[] px = new float[32 * 32];
    Arrays.fill(px, 255f);
    Image white = Image.gray("white.png", px, 32, 32, 255f);
    try (Model model = Model.load(file)) {
      Rise rise = Rise.of(model, new Rise.Settings(800, 4, 0.5, 7));
      Explanation e = rise.explain(white);
      float[] raw = e.raw().toArray();
      int best = 0;
      for (int i = 0; i < raw.length; i++) {
        best = raw[i] > raw[best] ? i : best;
      }
      int y = best / 32;
      int x = best % 32;
      assertTrue(y >= 20 && y < 28 && x >= 4 && x < 12, "peak at " + x + "," + y);
      assertEquals(e.raw(), rise.explain(white).raw(), "the same seed gives the same map");
    }
  }

  @Test
  void runsOnAVolumeModel() {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      Volume exam = new Volume("exam.npy", List.of(TestImages.grey(256, 256, 1),
          TestImages.grey(256, 256, 2)));
      Explanation e = Rise.of(model, new Rise.Settings(4, 4, 0.5, 0)).explain(exam, Targets.top1()).get(0);
      assertEquals(2, e.slices());
      assertEquals(256, e.raw().dim(1));
    }
  }
}
