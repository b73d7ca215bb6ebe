package dev.lumen.core.quality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.TestModels;
import dev.lumen.core.image.Image;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.postprocess.Otsu;
import dev.lumen.core.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The parts of the quality measures against other people's code: scikit-image's HOG descriptor
 * and Otsu threshold of two maps, and ROAD's imputation against SciPy's sparse direct solver
 * (made by scripts/make-test-models.py).
 */
class QualityReferencesTest {
  @ParameterizedTest
  @ValueSource(strings = {"smooth", "blobs"})
  void hogAndOtsuAgreeWithScikitImage(String name) {
    Tensor map = TestModels.array("quality-" + name, "map");
    int width = map.dim(1);
    float[] expected = TestModels.array("quality-" + name, "hog").toArray();
    double[] hog = HogDescriptor.of(map.toArray(), width);
    assertEquals(expected.length, hog.length, "descriptor length");
    for (int i = 0; i < hog.length; i++) {
      // scikit-image sums each cell in float32
      assertEquals(expected[i], hog[i], 1e-5, "HOG value " + i);
    }
    assertEquals(1, MapSimilarity.hog(map.toArray(), map.toArray(), width), 1e-12);
    int otsu = (int) TestModels.array("quality-" + name, "otsu").toArray()[0];
    assertEquals(otsu, Otsu.threshold(map.toArray()), "Otsu threshold level");
  }

  @Test
  void roadsImputationSolvesTheNeighbourhoodSystem() {
    Tensor pixels = TestModels.array("quality-road", "image");
    boolean[] removed = removed("quality-road");
    Voxels image = Voxels.of(new Image("road", pixels, 255f));
    float[] expected = TestModels.array("quality-road", "filled").toArray();
    float[] filled = NoisyLinearImputation.fill(image, removed, 0, new Random(1));
    for (int i = 0; i < filled.length; i++) {
      assertEquals(expected[i], filled[i], 1e-3, "value " + i);
    }
    float[] noisy = NoisyLinearImputation.fill(image, removed, 0.01, new Random(1));
    double squares = 0;
    int count = 0;
    float[] original = pixels.toArray();
    for (int i = 0; i < noisy.length; i++) {
      if (removed[i % removed.length]) {
        squares += Math.pow(noisy[i] - filled[i], 2);
        count++;
      } else {
        assertEquals(original[i], noisy[i], "kept pixels stay");
      }
    }
    assertEquals(0.01 * 255, Math.sqrt(squares / count), 0.2, "the noise's standard deviation");
    assertArrayEquals(noisy, NoisyLinearImputation.fill(image, removed, 0.01, new Random(1)), "the seed decides");
    boolean[] all = new boolean[removed.length];
    java.util.Arrays.fill(all, true);
    assertThrows(IllegalArgumentException.class, () -> NoisyLinearImputation.fill(image, all, 0, new Random(1)));
  }

  /**
   * On a volume the imputation solves the 26-neighbour system SciPy solves, a whole removed slice
   * filled from the slices around it.
   */
  @Test
  void roadsImputationOfAVolumeSolvesTheNeighbourhoodSystemInThreeDimensions() {
    Tensor values = TestModels.array("quality-road3d", "volume");
    boolean[] removed = removed("quality-road3d");
    Voxels volume = new Voxels("road3d", values.toArray(), values.dim(0), values.dim(1), values.dim(2),
        values.dim(3), 255f);
    float[] expected = TestModels.array("quality-road3d", "filled").toArray();
    float[] filled = NoisyLinearImputation.fill(volume, removed, 0, new Random(1));
    int plane = values.dim(2) * values.dim(3);
    for (int i = 0; i < filled.length; i++) {
      assertEquals(expected[i], filled[i], 1e-3, "value " + i);
    }
    for (int p = 3 * plane; p < 4 * plane; p++) {
      assertTrue(removed[p], "slice 3 is removed whole");
    }
  }

  /** The removal mask of reference {@code name}. */
  private static boolean[] removed(String name) {
    float[] flags = TestModels.array(name, "removed").toArray();
    boolean[] removed = new boolean[flags.length];
    for (int i = 0; i < removed.length; i++) {
      removed[i] = flags[i] != 0;
    }
    return removed;
  }

  @Test
  void otsuAndHitRateByHand() {
    // two levels: the threshold is the lower, the segmentation the upper
    float[] heat = {0.1f, 0.1f, 0.9f, 0.9f, 0.1f, 0.9f};
    assertEquals(Otsu.level(0.1f), Otsu.threshold(heat));
    float[] mask = {0, 0, 1, 1, 0, 0};
    assertEquals(2.0 / 3, MapAgreement.otsuIou(heat, mask), 1e-12);
    assertEquals(0, MapAgreement.otsuIou(new float[] {0.5f, 0.5f}, new float[] {1, 0}), 1e-12,
        "a constant map segments nothing");
    assertEquals(true, MapAgreement.pointingHit(heat, mask, 3, 0));
    assertEquals(false, MapAgreement.pointingHit(new float[] {1, 0, 0.5f, 0.5f, 0, 0}, mask, 3, 0));
  }
}
