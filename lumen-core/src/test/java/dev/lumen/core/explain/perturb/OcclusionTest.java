package dev.lumen.core.explain.perturb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.SyntheticModels;
import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OcclusionTest {

  /** Occlusion of a white 32 x 32 study by the model whose score sums rows 8..15, columns 12..15. */
  private static Explanation onWhite(Path tmp, Occlusion.Settings settings) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 8, 12, 8, 4);
    try (Model model = Model.load(file)) {
      return Occlusion.of(model, settings).explain(Image.gray("white.png", filled(32 * 32, 255f), 32, 32, 255f));
    }
  }

  /** Zeroing a 4x4 window inside the summed region drops the score by 16. */
  @Test
  void scoreDropEqualsTheOccludedPartOfTheRegion(@TempDir Path tmp) throws IOException {
    float[] raw = onWhite(tmp, new Occlusion.Settings(4, 4, Fill.ZERO)).raw().toArray();
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        boolean inside = y >= 8 && y < 16 && x >= 12 && x < 16;
        assertEquals(inside ? 16f : 0f, raw[y * 32 + x], 1e-4, "pixel " + y + "," + x);
      }
    }
  }

  /**
   * On black with one bright 4 x 4 square, a zero fill changes only the windows over the square:
   * the 63 others are the study itself and share one pass, and the map is the same as where
   * every window is scored (the square's pixels drop by their sum, 16 per window over them).
   */
  @Test
  void windowsThatAlreadyHoldTheFillShareOnePass(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 8, 12, 8, 4);
    Image square = dev.lumen.core.TestImages.squareOnBlack(32, 8, 12, 4, 255f);
    try (Model model = Model.load(file)) {
      long[] passes = {0};
      Explanation e = Occlusion.of(model, new Occlusion.Settings(4, 4, Fill.ZERO)).explain(List.of(square),
          Targets.top1(), (stage, done, total) -> passes[0] = stage.endsWith("perturbed inputs") ? total : passes[0])
          .get(0).get(0);
      assertEquals(1 + 1, passes[0], "the window over the square, and one for the 63 unchanged copies");
      float[] raw = e.raw().toArray();
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          boolean lit = y >= 8 && y < 12 && x >= 12 && x < 16;
          assertEquals(lit ? 16f : 0f, raw[y * 32 + x], 1e-4, "pixel " + y + "," + x);
        }
      }
    }
  }

  /**
   * Coarse to fine: 49 windows of 8 at stride 4 first, then only the 63 of the 225 windows of 4 at
   * stride 2 under the coarse map's non-zero part (the 6 coarse windows over the region). The
   * score adds up the region's pixels, so every window left out covers none of them and, as the
   * coarse map predicts, drops nothing: the map is the full grid's, and the details count both.
   */
  @Test
  void coarseToFineScoresOnlyWhereTheCoarseWindowsMovedTheScore(@TempDir Path tmp) throws IOException {
    Explanation full = onWhite(tmp, new Occlusion.Settings(4, 2, Fill.ZERO));
    Explanation refined = onWhite(tmp, new Occlusion.Settings(4, 2, Fill.ZERO, 0.01));
    assertEquals(java.util.Map.of("windows", 225, "scored", 49 + 63), refined.details());
    assertTrue(full.details().isEmpty());
    float[] expected = full.raw().toArray();
    float[] actual = refined.raw().toArray();
    for (int p = 0; p < expected.length; p++) {
      assertEquals(expected[p], actual[p], 1e-4, "pixel " + p / 32 + "," + p % 32);
    }
    IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
        () -> new Occlusion.Settings(4, 2, Fill.ZERO, 1.5));
    assertTrue(wide.getMessage().contains("[0, 1]"), wide.getMessage());
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      IllegalArgumentException flat = assertThrows(IllegalArgumentException.class, () -> Occlusion.of(model,
          new Occlusion.Settings(4, 4, Fill.ZERO, 0.1)).explain(TestModels.exam("cnn3d"), Targets.top1()));
      assertTrue(flat.getMessage().contains("coarse-to-fine occlusion refines 2D windows"), flat.getMessage());
    }
  }

  @Test
  void overlappingWindowsAverageTheirDrops(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 16, 0, 0, 1, 1);
    Image white = Image.gray("white.png", filled(16 * 16, 255f), 16, 16, 255f);
    try (Model model = Model.load(file)) {
      float[] raw = Occlusion.of(model, new Occlusion.Settings(4, 2, Fill.ZERO)).explain(white).raw().toArray();
      // Pixel (0, 0) lies under one window only, which covers the region: drop 1.
      assertEquals(1f, raw[0], 1e-6);
      // Pixel (2, 2) lies under the windows at (0,0), (0,2), (2,0), (2,2); one of four drops by 1.
      assertEquals(0.25f, raw[2 * 16 + 2], 1e-6);
      assertEquals(0f, raw[15 * 16 + 15], 1e-6);
    }
  }

  @Test
  void meanFillOfAConstantImageChangesNothing(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 16, 4, 4, 4, 4);
    Image white = Image.gray("white.png", filled(16 * 16, 255f), 16, 16, 255f);
    try (Model model = Model.load(file)) {
      float[] mean = Occlusion.of(model, new Occlusion.Settings(4, 4, Fill.MEAN)).explain(white).raw().toArray();
      float[] blur = Occlusion.of(model, new Occlusion.Settings(4, 4, Fill.BLUR)).explain(white).raw().toArray();
      for (int i = 0; i < mean.length; i++) {
        assertEquals(0f, mean[i], 1e-4);
        assertEquals(0f, blur[i], 1e-3);
      }
    }
  }

  @Test
  void volumeModelGetsOneMapPerSlice() {
    try (Model model = Model.load(TestModels.model("mrnet"))) {
      List<Image> slices = new ArrayList<>();
      for (int s = 0; s < 2; s++) {
        float[] px = new float[256 * 256];
        Arrays.fill(px, 40f * (s + 1));
        slices.add(Image.gray("slice", px, 256, 256, 255f));
      }
      List<Explanation> es = Occlusion.of(model, new Occlusion.Settings(128, 128, Fill.ZERO))
          .explain(new Volume("exam.npy", slices), Targets.top1());
      assertEquals(2, es.get(0).slices());
      assertEquals(256, es.get(0).raw().dim(2), "raw maps are at the input's resolution");
      assertTrue(Arrays.stream(box(es.get(0).raw().toArray())).anyMatch(v -> v != 0f));
    }
  }

  @Test
  void rejectsAWindowLargerThanTheInput(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 16, 4, 4, 4, 4);
    try (Model model = Model.load(file)) {
      assertThrows(IllegalArgumentException.class, () -> Occlusion.of(model, new Occlusion.Settings(32, 8, Fill.ZERO)));
    }
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static Float[] box(float[] a) {
    Float[] out = new Float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
