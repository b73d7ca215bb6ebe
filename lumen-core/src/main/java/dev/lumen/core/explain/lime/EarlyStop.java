package dev.lumen.core.explain.lime;

/**
 * The opt-in early stop of the sampling methods over superpixels (LIME, KernelSHAP): their seeded
 * samples are scored {@value #CHECK_EVERY} at a time, the fit is redone on all scored so far, and
 * scoring stops once no target's fitted values moved by more than a tolerance since the previous
 * fit. The result is then exactly the method on that many of the same samples.
 */
public final class EarlyStop {
  /** How many more samples are scored between two checks. */
  public static final int CHECK_EVERY = 100;

  private EarlyStop() {}

  /**
   * Refuses a tolerance outside {@code [0, 1)} (0: no early stop), naming {@code method}.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static void requireTolerance(String method, double tolerance) {
    if (!(tolerance >= 0 && tolerance < 1)) {
      throw new IllegalArgumentException(method + "'s tolerance must lie in [0, 1) (0: every sample), got "
          + tolerance);
    }
  }

  /**
   * The largest relative change of a target's values between two fits ({@code [targets][features]}):
   * {@code |after - before| / |after|} in L2, 1 where {@code after} is zero and {@code before} not.
   */
  public static double change(double[][] before, double[][] after) {
    double worst = 0;
    for (int t = 0; t < after.length; t++) {
      double diff = 0;
      double norm = 0;
      for (int f = 0; f < after[t].length; f++) {
        diff += (after[t][f] - before[t][f]) * (after[t][f] - before[t][f]);
        norm += after[t][f] * after[t][f];
      }
      worst = Math.max(worst, norm == 0 ? (diff == 0 ? 0 : 1) : Math.sqrt(diff / norm));
    }
    return worst;
  }
}
