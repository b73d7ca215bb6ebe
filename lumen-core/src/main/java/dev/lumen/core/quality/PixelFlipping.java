package dev.lumen.core.quality;

import dev.lumen.core.image.Image;
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
 * flipping.
 */
public final class PixelFlipping {
  /**
   * The settings.
   *
   * @param region the side of a region in pixels of the study (0: Samek et al.'s 9 pixels at 224,
   *     scaled to the study's longer side)
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
   * The curve of the map {@code heat} of {@code label} on {@code image} (in its geometry), over
   * the share of regions flipped, noise from {@code seed}; its {@link PerturbationCurve#averageDrop()}
   * is AOPC.
   */
  public static PerturbationCurve of(CopyScorer scorer, Image image, int label, float[] heat, Settings settings,
      long seed) {
    RelevanceOrder.require(heat, image);
    int width = image.width();
    int height = image.height();
    int side = settings.region() > 0 ? settings.region()
        : Math.max(1, (int) Math.round(9.0 * Math.max(width, height) / 224));
    int columns = (width + side - 1) / side;
    int regions = columns * ((height + side - 1) / side);
    double[] mean = new double[regions];
    int[] count = new int[regions];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (y / side) * columns + x / side;
        mean[r] += heat[y * width + x];
        count[r]++;
      }
    }
    for (int r = 0; r < regions; r++) {
      mean[r] /= count[r];
    }
    int[] ranked = IntStream.range(0, regions).boxed().sorted(Comparator.comparingDouble(r -> -mean[r]))
        .mapToInt(Integer::intValue).toArray();
    int steps = Math.min(settings.steps(), regions);
    Random random = new Random(seed);
    float[] current = image.pixels().toArray();
    int plane = width * height;
    List<Image> copies = new ArrayList<>(List.of(image));
    for (int k = 0; k < steps; k++) {
      int r = ranked[k];
      int x0 = (r % columns) * side;
      int y0 = (r / columns) * side;
      for (int c = 0; c < image.channels(); c++) {
        for (int y = y0; y < Math.min(height, y0 + side); y++) {
          for (int x = x0; x < Math.min(width, x0 + side); x++) {
            current[c * plane + y * width + x] = random.nextFloat() * image.maxValue();
          }
        }
      }
      copies.add(image.withValues(current.clone()));
    }
    double[] fractions = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      fractions[k] = (double) k / regions;
    }
    return new PerturbationCurve(fractions, scorer.probabilities(copies, label));
  }
}
