package dev.lumen.core.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.SyntheticModels;
import dev.lumen.core.explain.lime.FeatureSelection;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.Neighbourhood;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.image.Image;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Duplicate perturbed copies are scored once. */
class DistinctCopiesTest {
  @Test
  void groupsEqualKeysAndSpreadsTheirScores() {
    DistinctCopies d = DistinctCopies.of(5, i -> List.of("a", "b", "a", "c", "b").get(i));
    assertArrayEquals(new int[] {0, 1, 3}, d.representatives());
    assertArrayEquals(new int[] {0, 1, 0, 2, 1}, d.group());
    float[][] scores = {{1}, {2}, {3}};
    float[][] all = d.expand(scores);
    assertSame(scores[0], all[2]);
    assertSame(scores[1], all[4]);
  }

  /**
   * LIME with a handful of superpixels draws few distinct rows: 200 samples cost one pass per
   * distinct row, as the progress counts them.
   */
  @Test
  void limeScoresEachDistinctSampleOnce(@TempDir Path tmp) throws IOException {
    Path file = SyntheticModels.regionSum(tmp.resolve("region.onnx"), 32, 4, 4, 8, 8);
    float[] px = new float[32 * 32];
    java.util.Arrays.fill(px, 40f);
    Image image = Image.gray("flat.png", px, 32, 32, 255f);
    try (Model model = Model.load(file)) {
      Lime lime = Lime.of(model, new Lime.Settings(Segmentation.slic(4), Hide.ZERO, 200, 0.25,
          FeatureSelection.AUTO, Integer.MAX_VALUE, 5));
      long[] passes = {0};
      Progress counting = (stage, done, total) -> {
        if (stage.equals("lime samples")) {
          passes[0] = total;
        }
      };
      int features = lime.explainDetailed(List.of(image), Targets.top1(), counting).get(0).get(0).weights().length;
      Set<List<Boolean>> rows = new HashSet<>();
      for (boolean[] row : Neighbourhood.sample(200, features, 0.25, 5).rows()) {
        rows.add(java.util.stream.IntStream.range(0, features).mapToObj(i -> row[i]).toList());
      }
      assertEquals(rows.size(), (int) passes[0]);
      assertTrue(features <= 6 && passes[0] <= 64, features + " superpixels, " + passes[0] + " passes for 200 samples");
    }
  }
}
