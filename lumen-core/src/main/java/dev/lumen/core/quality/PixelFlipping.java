package dev.lumen.core.quality;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Pixel flipping (Bach et al., PLOS ONE 2015) by regions and its score, the area over the
 * perturbation curve (AOPC; Samek et al., IEEE TNNLS 2017): the study is cut into square regions
 * ({@code region} pixels a side, smaller at the right and bottom edges), ranked by the map's
 * mean over each, most relevant first; step by step the next region's pixels are replaced by
 * uniform noise over the study's range, and AOPC is the average drop of the target's probability
 * over the steps, {@code 1/(L+1) * sum over k = 0..L of (p0 - pk)}. A faithful map makes the
 * probability fall fast: a large AOPC. Regions of one pixel are Bach et al.'s original pixel
 * flipping. A 3D model's volume is cut into cubes of that side (smaller at its far edges), ranked
 * and flipped in the same way over the whole volume.
 */
public final class PixelFlipping {
  /**
   * The settings.
   *
   * @param region the side of a region in pixels of the study (0: Samek et al.'s 9 pixels at 224,
   *     scaled to the study's longest side)
   * @param steps how many regions are flipped, most relevant first (at most every region the study has)
   */
  public record Settings(int region, int steps) {
    public Settings {
      if (region < 0 || steps < 1) {
        throw new IllegalArgumentException("pixel flipping needs a region side of at least 0 (0: scaled) and at "
            + "least one step, got " + region + " and " + steps);
      }
    }

    /** 9-pixel regions at 224 and 100 steps, as Samek et al. */
    public static Settings defaults() {
      return new Settings(0, 100);
    }
  }

  private PixelFlipping() {}

  /**
   * The curve of the map {@code heat} of {@code label} on {@code study} (in its geometry), over
   * the share of regions flipped, noise from {@code seed}; its {@link PerturbationCurve#averageDrop()}
   * is AOPC.
   */
  public static PerturbationCurve of(CopyScorer scorer, Voxels study, int label, float[] heat, Settings settings,
      long seed) {
    RelevanceOrder.require(heat, study);
    int width = study.width();
    int height = study.height();
    int depth = study.depth();
    int side = settings.region() > 0 ? settings.region()
        : Math.max(1, (int) Math.round(9.0 * study.longestSide() / 224));
    int sideDeep = depth > 1 ? side : 1;
    int columns = (width + side - 1) / side;
    int rows = (height + side - 1) / side;
    int regions = columns * rows * ((depth + sideDeep - 1) / sideDeep);
    double[] mean = new double[regions];
    int[] count = new int[regions];
    for (int z = 0; z < depth; z++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int r = ((z / sideDeep) * rows + y / side) * columns + x / side;
          mean[r] += heat[(z * height + y) * width + x];
          count[r]++;
        }
      }
    }
    for (int r = 0; r < regions; r++) {
      mean[r] /= count[r];
    }
    int[] ranked = IntStream.range(0, regions).boxed().sorted(Comparator.comparingDouble(r -> -mean[r]))
        .mapToInt(Integer::intValue).toArray();
    int steps = Math.min(settings.steps(), regions);
    Random random = new Random(seed);
    float[] current = study.values().clone();
    int size = study.size();
    List<float[]> copies = new ArrayList<>();
    copies.add(study.values());
    for (int k = 0; k < steps; k++) {
      int r = ranked[k];
      int x0 = (r % columns) * side;
      int y0 = (r / columns % rows) * side;
      int z0 = (r / columns / rows) * sideDeep;
      for (int c = 0; c < study.channels(); c++) {
        for (int z = z0; z < Math.min(depth, z0 + sideDeep); z++) {
          for (int y = y0; y < Math.min(height, y0 + side); y++) {
            for (int x = x0; x < Math.min(width, x0 + side); x++) {
              current[c * size + (z * height + y) * width + x] = random.nextFloat() * study.maxValue();
            }
          }
        }
      }
      copies.add(current.clone());
    }
    double[] fractions = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      fractions[k] = (double) k / regions;
    }
    return new PerturbationCurve(fractions, scorer.probabilities(copies, label));
  }
}
