package dev.lumen.core.quality;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Sensitivity (Yeh et al., "On the (in)fidelity and sensitivity of explanations", NeurIPS 2019):
 * how much a method's raw map moves when the study moves a little — each of {@code samples}
 * copies has every pixel shifted by uniform noise in {@code [-r, r]} ({@code r} a fraction of the
 * study's range top), and the copy's map is compared with the study's by
 * {@code ||map(x + d) - map(x)|| / ||map(x)||} (Euclidean norms, Quantus' normalised form);
 * the mean and the maximum over the copies. A robust method has small values. A volume's copies
 * move every voxel, and its maps are compared whole.
 *
 * @param average the mean over the copies
 * @param maximum the largest
 */
public record Robustness(double average, double maximum) {
  /**
   * The sensitivity of {@code explainer}'s map of {@code label} on {@code image}.
   *
   * @throws IllegalArgumentException for no samples or a radius outside (0, 1]
   */
  public static Robustness of(Explainer explainer, Image image, int label, int samples, double radius, long seed) {
    requireSettings(samples, radius);
    Targets target = target(label);
    float r = (float) (radius * image.maxValue());
    return compare(explainer.explain(image, target).get(0).raw().toArray(), samples, seed,
        random -> explainer.explain(noisy(image, r, random), target).get(0).raw().unsafeData());
  }

  /**
   * The sensitivity of {@code explainer}'s map of {@code label} on {@code volume}: every voxel of
   * every slice moved by the noise (slice by slice, in order), the maps compared over the whole
   * volume.
   *
   * @throws IllegalArgumentException for no samples or a radius outside (0, 1]
   */
  public static Robustness of(Explainer explainer, Volume volume, int label, int samples, double radius, long seed) {
    requireSettings(samples, radius);
    Targets target = target(label);
    float r = (float) (radius * volume.slices().get(0).maxValue());
    return compare(explainer.explain(volume, target).get(0).raw().toArray(), samples, seed, random -> {
      List<Image> slices = new ArrayList<>();
      for (Image slice : volume.slices()) {
        slices.add(noisy(slice, r, random));
      }
      return explainer.explain(new Volume(volume.source(), slices), target).get(0).raw().unsafeData();
    });
  }

  private static void requireSettings(int samples, double radius) {
    if (samples < 1 || !(radius > 0 && radius <= 1)) {
      throw new IllegalArgumentException("sensitivity needs samples >= 1 and a radius in (0, 1], got " + samples
          + " and " + radius);
    }
  }

  private static Targets target(int label) {
    return Targets.labels(List.of(String.valueOf(label)));
  }

  /** {@code image} with every value shifted by uniform noise in {@code [-r, r]}. */
  private static Image noisy(Image image, float r, Random random) {
    float[] px = image.pixels().unsafeData();
    float[] noisy = new float[px.length];
    for (int i = 0; i < px.length; i++) {
      noisy[i] = px[i] + (random.nextFloat() * 2 - 1) * r;
    }
    return new Image(image.source(), Tensor.of(noisy, image.pixels().shape()), image.maxValue());
  }

  /** The mean and largest relative distance from {@code base} of {@code samples} maps moved by one generator. */
  private static Robustness compare(float[] base, int samples, long seed, Function<Random, float[]> moved) {
    double norm = 0;
    for (float v : base) {
      norm += (double) v * v;
    }
    norm = Math.sqrt(norm);
    Random random = new Random(seed);
    double sum = 0;
    double max = 0;
    for (int s = 0; s < samples; s++) {
      float[] map = moved.apply(random);
      double d = 0;
      for (int i = 0; i < base.length; i++) {
        d += (double) (map[i] - base[i]) * (map[i] - base[i]);
      }
      // an all-zero map has no size to be relative to: its copies' distance counts as it is
      double sensitivity = Math.sqrt(d) / (norm == 0 ? 1 : norm);
      sum += sensitivity;
      max = Math.max(max, sensitivity);
    }
    return new Robustness(sum / samples, max);
  }
}
