package dev.lumen.core.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The perturbation measures over a whole volume, on a score defined here — the sum of a box of
 * voxels that spans three slices — so each curve is known by hand: the voxels are taken in one
 * order across slices, insertion's blur runs between slices, pixel flipping flips cubes, and
 * ROAD imputes from the slices around a removed region.
 */
class VolumeQualityTest {
  private static final int DEPTH = 8;
  private static final int HEIGHT = 10;
  private static final int WIDTH = 12;
  private static final int SIZE = DEPTH * HEIGHT * WIDTH;

  /** Whether voxel {@code i} is in the box: slices 2-3, rows 2-5, columns 2-7 (48 of 960 voxels). */
  private static boolean inBox(int i) {
    int x = i % WIDTH;
    int y = i / WIDTH % HEIGHT;
    int z = i / WIDTH / HEIGHT;
    return z >= 2 && z < 4 && y >= 2 && y < 6 && x >= 2 && x < 8;
  }

  /** The box's sum on each copy, the copies kept to look at. */
  private static final class BoxSum implements CopyScorer {
    final List<float[]> seen = new ArrayList<>();

    @Override
    public double[] probabilities(List<float[]> copies, int label) {
      seen.addAll(copies);
      return copies.stream().mapToDouble(v -> {
        double sum = 0;
        for (int i = 0; i < SIZE; i++) {
          sum += inBox(i) ? v[i] : 0;
        }
        return sum;
      }).toArray();
    }
  }

  /** A volume 1 in the box, 0 elsewhere; the exact map; the inverted one. */
  private static Voxels volume() {
    float[] v = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      v[i] = inBox(i) ? 1 : 0;
    }
    return new Voxels("box", v, 1, DEPTH, HEIGHT, WIDTH, 1);
  }

  private static float[] map(boolean inverted) {
    float[] m = new float[SIZE];
    for (int i = 0; i < SIZE; i++) {
      m[i] = inBox(i) != inverted ? 1 : 0;
    }
    return m;
  }

  @Test
  void deletionTakesTheVoxelsOfEverySliceInTheMapsOrder() {
    // 20 steps of 48 voxels: the exact map deletes the box, across its two slices, in the first step
    Faithfulness.Settings settings = new Faithfulness.Settings(20, Faithfulness.Substrate.ZERO, 0);
    PerturbationCurve exact = Faithfulness.deletion(new BoxSum(), volume(), 0, map(false), settings);
    PerturbationCurve inverted = Faithfulness.deletion(new BoxSum(), volume(), 0, map(true), settings);
    assertEquals(48, exact.probabilities()[0]);
    for (int k = 1; k <= 20; k++) {
      assertEquals(0, exact.probabilities()[k], "step " + k);
      assertEquals(k < 20 ? 48 : 0, inverted.probabilities()[k], "step " + k);
    }
    assertEquals(48.0 / 40, exact.area(), 1e-12, "half a step at 48, then 0");
  }

  @Test
  void insertionsBlurRunsBetweenSlices() {
    BoxSum scorer = new BoxSum();
    PerturbationCurve curve = Faithfulness.insertion(scorer, volume(), 0, map(false),
        new Faithfulness.Settings(20, Faithfulness.Substrate.ZERO, 1.0));
    float[] blurred = scorer.seen.get(0);
    // slice 1, above the box's first slice, at a column and row inside the box: blurred from slice 2
    int above = (HEIGHT + 4) * WIDTH + 4;
    int twoAbove = 4 * WIDTH + 4;
    assertTrue(blurred[above] > 0.05 && blurred[twoAbove] > 0 && blurred[twoAbove] < blurred[above],
        blurred[above] + ", " + blurred[twoAbove]);
    assertEquals(48, curve.probabilities()[1], 1e-4, "the box revealed first");
  }

  @Test
  void pixelFlippingFlipsCubesOfTheVolume() {
    BoxSum scorer = new BoxSum();
    Voxels volume = volume();
    PerturbationCurve curve = PixelFlipping.of(scorer, volume, 0, map(false), new PixelFlipping.Settings(2, 6), 1);
    // cubes of 2: 4 x 5 x 6 = 120 regions; the box's 48 voxels are six of them exactly
    assertEquals(7, curve.probabilities().length);
    assertEquals(6.0 / 120, curve.fractions()[6], 1e-12);
    for (int k = 1; k <= 6; k++) {
      float[] before = scorer.seen.get(k - 1);
      float[] after = scorer.seen.get(k);
      int changedOutside = 0;
      int changedInside = 0;
      for (int i = 0; i < SIZE; i++) {
        if (before[i] != after[i]) {
          changedInside += inBox(i) ? 1 : 0;
          changedOutside += inBox(i) ? 0 : 1;
        }
      }
      assertEquals(0, changedOutside, "step " + k + " flips inside the box");
      assertEquals(8, changedInside, "step " + k + " flips one cube of 2 x 2 x 2");
    }
  }

  @Test
  void roadImputesARemovedRegionFromTheSlicesAroundIt() {
    Road.Settings settings = new Road.Settings(new double[] {5, 50}, 0);
    Road.Result exact = Road.of(new BoxSum(), volume(), 0, map(false), settings, 1);
    // 5 % is the box: filled from the zeros around it in every direction
    assertEquals(0, exact.mostRelevantFirst().probabilities()[0], 1e-6);
    assertEquals(48, exact.leastRelevantFirst().probabilities()[0], 1e-6);
    assertEquals(48, exact.leastRelevantFirst().probabilities()[1], 1e-6);
    // a linear ramp, two middle slices removed but for their first and last columns: a linear field
    // is its own weighted mean wherever the neighbours are symmetric about a voxel, as they are
    // about each removed one, so it fills exactly
    float[] ramp = new float[SIZE];
    boolean[] removed = new boolean[SIZE];
    for (int i = 0; i < SIZE; i++) {
      int z = i / WIDTH / HEIGHT;
      ramp[i] = z + 0.5f * (i % WIDTH);
      removed[i] = (z == 3 || z == 4) && i % WIDTH > 0 && i % WIDTH < WIDTH - 1;
    }
    float[] filled = NoisyLinearImputation.fill(new Voxels("ramp", ramp, 1, DEPTH, HEIGHT, WIDTH, 1), removed, 0,
        new Random(1));
    for (int i = 0; i < SIZE; i++) {
      assertEquals(ramp[i], filled[i], 1e-3, "voxel " + i);
    }
  }
}
