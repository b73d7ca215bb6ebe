package dev.lumen.core.explain.perturb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestModels;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RISE on a 3D CNN against its definition: soft masks in [0, 1] that keep about p of the volume
 * and change along depth as well as in the plane, and a map that is
 * {@code sum_i f(I ⊙ M_i) M_i / (N p)} over those very masks, each masked volume scored by the model.
 */
class Rise3dTest {
  @Test
  void theMapIsTheScoreWeightedSumOfSoft3dMasks(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume volume = TestModels.exam("cnn3d");
      Rise.Settings settings = new Rise.Settings(24, 4, 0.5, 11);
      Rise rise = Rise.of(model, settings);
      Explanation e = rise.explain(volume, Targets.top1()).get(0);
      Tensor input = model.preprocessor().toInput(volume.slices());
      int depth = input.dim(2);
      int voxels = depth * input.dim(3) * input.dim(4);
      Random rng = new Random(settings.seed());
      double[] expected = new double[voxels];
      double kept = 0;
      boolean variesInDepth = false;
      for (int i = 0; i < settings.masks(); i++) {
        float[] mask = rise.volumeMask(rng, depth);
        float[] masked = input.toArray();
        for (int v = 0; v < masked.length; v++) {
          masked[v] *= mask[v % voxels];
        }
        float score = model.run(Tensor.of(masked, input.shape()), List.of()).get(model.scoresName())
            .get(e.target().index());
        for (int v = 0; v < voxels; v++) {
          assertTrue(mask[v] >= 0 && mask[v] <= 1, "mask value " + mask[v]);
          expected[v] += score * mask[v] / (settings.masks() * settings.keep());
          kept += mask[v];
        }
        variesInDepth |= mask[0] != mask[(depth - 1) * input.dim(3) * input.dim(4)];
      }
      float[] raw = e.raw().unsafeData();
      for (int v = 0; v < voxels; v++) {
        assertEquals(expected[v], raw[v], 1e-4 * Math.max(1, Math.abs(expected[v])), "voxel " + v);
      }
      assertEquals(0.5, kept / ((double) voxels * settings.masks()), 0.15, "share of the volume kept");
      assertTrue(variesInDepth, "the masks are 3D");
      assertArrayEquals(new long[] {depth, input.dim(3), input.dim(4)}, e.raw().shape());
    }
  }

  @Test
  void keepingEveryCellGivesTheScoreEverywhere(@TempDir Path tmp) throws IOException {
    try (Model model = TestModels.volumetric("cnn3d", tmp)) {
      Volume volume = TestModels.exam("cnn3d");
      Explanation e = Rise.of(model, new Rise.Settings(3, 4, 1, 0)).explain(volume, Targets.top1()).get(0);
      float score = model.run(model.preprocessor().toInput(volume.slices()), List.of()).get(model.scoresName())
          .get(e.target().index());
      for (float v : e.raw().unsafeData()) {
        assertEquals(score, v, 1e-4 * Math.max(1, Math.abs(score)));
      }
    }
  }
}
