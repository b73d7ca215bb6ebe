package dev.lumen.core.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * ROAD, "remove and debias" (Rong, Leemann et al., ICML 2022): at each of the given percentages
 * the study loses that share of its pixels — the map's most relevant first (MoRF) or its least
 * relevant first (LeRF) — and the lost pixels are filled by {@link NoisyLinearImputation}; the
 * target's probability on each copy draws the two curves. A faithful map makes the probability
 * fall fast under MoRF and stay under LeRF: the gap, LeRF's mean probability minus MoRF's, is
 * large. The copies are scored by a {@link CopyScorer} (an image model's batches, a slice within
 * its exam, or a 3D model's whole volume, whose voxels are ranked and imputed over all three axes).
 */
public final class Road {
  /**
   * The settings.
   *
   * @param percentages the shares of the pixels removed, each in (0, 100), increasing
   * @param noise the imputation noise's standard deviation, a fraction of the study's range top
   */
  public record Settings(double[] percentages, double noise) {
    public Settings {
      if (percentages.length == 0) {
        throw new IllegalArgumentException("ROAD needs at least one percentage");
      }
      for (int i = 0; i < percentages.length; i++) {
        if (!(percentages[i] > 0 && percentages[i] < 100)) {
          throw new IllegalArgumentException("ROAD's percentages are in (0, 100), got " + percentages[i]);
        }
        if (i > 0 && !(percentages[i] > percentages[i - 1])) {
          throw new IllegalArgumentException("ROAD's percentages must increase, got " + Arrays.toString(percentages));
        }
      }
      if (!(noise >= 0) || Double.isInfinite(noise)) {
        throw new IllegalArgumentException("ROAD's noise must be finite and at least 0, got " + noise);
      }
      percentages = percentages.clone();
    }

    /** 10, 20, ..., 90 %, noise 0.01 of the range: the paper's settings for images in [0, 1]. */
    public static Settings defaults() {
      return new Settings(new double[] {10, 20, 30, 40, 50, 60, 70, 80, 90}, 0.01);
    }
  }

  /**
   * The two curves, over the share removed (the percentages / 100).
   *
   * @param mostRelevantFirst MoRF: the probability as the map's top pixels go
   * @param leastRelevantFirst LeRF: as its bottom pixels go
   */
  public record Result(PerturbationCurve mostRelevantFirst, PerturbationCurve leastRelevantFirst) {
    /** LeRF's mean probability minus MoRF's: the larger, the more faithful the map. */
    public double gap() {
      return leastRelevantFirst.mean() - mostRelevantFirst.mean();
    }
  }

  private Road() {}

  /**
   * ROAD for the map {@code heat} of {@code label} on {@code study} (in its geometry), noise
   * drawn from {@code seed}.
   */
  public static Result of(CopyScorer scorer, Voxels study, int label, float[] heat, Settings settings, long seed) {
    int[] order = RelevanceOrder.decreasing(heat, study);
    int size = order.length;
    double[] p = settings.percentages();
    Random random = new Random(seed);
    double[] fractions = Arrays.stream(p).map(v -> v / 100).toArray();
    PerturbationCurve[] curves = new PerturbationCurve[2];
    for (int side = 0; side < 2; side++) {
      List<boolean[]> removals = new ArrayList<>();
      for (double percentage : p) {
        int count = (int) Math.round(size * percentage / 100);
        boolean[] removed = new boolean[size];
        for (int k = 0; k < count; k++) {
          removed[order[side == 0 ? k : size - 1 - k]] = true;
        }
        removals.add(removed);
      }
      List<float[]> copies = NoisyLinearImputation.fillAll(study, removals, settings.noise(), random);
      curves[side] = new PerturbationCurve(fractions, scorer.probabilities(copies, label));
    }
    return new Result(curves[0], curves[1]);
  }
}
