package dev.lumen.core.explain.lime;

import java.util.Random;

/**
 * LIME's samples around an image: rows of on/off switches, one per superpixel (the first row all
 * on: the image itself; the others uniform at random), and each row's weight, the exponential
 * kernel {@code sqrt(exp(-d^2 / width^2))} of its cosine distance {@code d} to the all-on row,
 * as the reference {@code lime} library defines them.
 *
 * @param rows {@code [samples][features]}, 1 = superpixel kept
 * @param weights one kernel weight per row
 */
public record Neighbourhood(boolean[][] rows, double[] weights) {

  /** {@code samples} rows over {@code features} superpixels, seeded. */
  public static Neighbourhood sample(int samples, int features, double kernelWidth, long seed) {
    if (samples < 2 || features < 1) {
      throw new IllegalArgumentException("LIME needs at least 2 samples and 1 superpixel");
    }
    Random random = new Random(seed);
    boolean[][] rows = new boolean[samples][features];
    double[] weights = new double[samples];
    for (int s = 0; s < samples; s++) {
      int on = 0;
      for (int f = 0; f < features; f++) {
        rows[s][f] = s == 0 || random.nextBoolean();
        on += rows[s][f] ? 1 : 0;
      }
      weights[s] = kernel(cosineDistanceToAllOn(on, features), kernelWidth);
    }
    return new Neighbourhood(rows, weights);
  }

  /**
   * The cosine distance between a row with {@code on} of {@code features} switches on and the
   * all-on row: {@code 1 - on / sqrt(on * features)}; 1 for the all-off row (no direction).
   */
  static double cosineDistanceToAllOn(int on, int features) {
    return on == 0 ? 1 : 1 - on / Math.sqrt((double) on * features);
  }

  /** {@code sqrt(exp(-d^2 / width^2))}. */
  static double kernel(double distance, double width) {
    return Math.sqrt(Math.exp(-(distance * distance) / (width * width)));
  }
}
