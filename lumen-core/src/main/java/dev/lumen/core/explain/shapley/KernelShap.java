package dev.lumen.core.explain.shapley;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.lime.Coalitions;
import dev.lumen.core.explain.lime.EarlyStop;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * KernelSHAP over superpixels (Lundberg &amp; Lee, NeurIPS 2017): the Shapley values of the
 * superpixels as the weighted least-squares fit of the target's probability on coalitions, under
 * the Shapley kernel {@code (M - 1) / (C(M, |z|) |z| (M - |z|))} and with the attributions held to
 * add up to {@code p(x) - p(all hidden)} ({@link ShapleyFit}). With few superpixels
 * ({@code 2^M - 2 <= samples}) every coalition is scored and the fit gives the exact Shapley
 * values; otherwise coalitions are drawn from the kernel (a size, then a subset of that size),
 * each with its complement, and count alike. LIME's superpixels, hiding and batched scoring
 * ({@link Coalitions}). Deterministic given the seed.
 *
 * <p>Cost: one forward pass per distinct coalition, batched, shared by every target; one fit for
 * all targets together. With a tolerance ({@link Settings#tolerance}) the sampled coalitions are
 * the first of the same seeded draw, as many as the attributions needed to settle; the
 * explanation's details give their count ({@code coalitions}).
 */
public final class KernelShap extends SuperpixelAttribution {

  /**
   * @param segmentation how superpixels are found
   * @param hide what a hidden superpixel shows
   * @param samples how many coalitions to score at most, besides the empty and the full one
   * @param seed the sampling seed
   * @param tolerance 0 to fit on every sampled coalition; else an early stop ({@link EarlyStop}):
   *     the coalitions are scored {@value EarlyStop#CHECK_EVERY} at a time and scoring stops when no
   *     target's attributions moved by more than this fraction (relative L2) since the last fit
   */
  public record Settings(Segmentation segmentation, Hide hide, int samples, long seed, double tolerance) {
    public Settings {
      if (samples < 2) {
        throw new IllegalArgumentException("KernelSHAP needs at least 2 samples, got " + samples);
      }
      EarlyStop.requireTolerance("KernelSHAP", tolerance);
    }

    /** Every sampled coalition scored (no early stop). */
    public Settings(Segmentation segmentation, Hide hide, int samples, long seed) {
      this(segmentation, hide, samples, seed, 0);
    }
  }

  private final Settings settings;

  private KernelShap(Model model, Settings settings) {
    super(model, settings.segmentation(), settings.hide());
    this.settings = settings;
  }

  /** KernelSHAP with {@code settings}. */
  public static KernelShap of(Model model, Settings settings) {
    return new KernelShap(model, settings);
  }

  @Override
  public String method() {
    return "kernelshap";
  }

  @Override
  Attributions attributions(Coalitions game, float[] full, List<LabelScore> targets, Progress progress) {
    int m = game.features();
    List<boolean[]> rows = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    rows.add(coalition(m, false));
    weights.add(0.0);
    boolean exact = m < 31 && (1L << m) - 2 <= settings.samples();
    if (exact) {
      for (long mask = 1; mask < (1L << m) - 1; mask++) {
        boolean[] row = new boolean[m];
        for (int f = 0; f < m; f++) {
          row[f] = (mask >> f & 1) == 1;
        }
        rows.add(row);
        weights.add(ShapleyFit.kernel(m, Long.bitCount(mask)));
      }
    } else {
      Random random = new Random(settings.seed());
      double[] sizes = sizeDistribution(m);
      for (int s = 0; s + 1 < settings.samples(); s += 2) {
        boolean[] row = subset(m, size(sizes, random), random);
        boolean[] complement = new boolean[m];
        for (int f = 0; f < m; f++) {
          complement[f] = !row[f];
        }
        rows.add(row);
        rows.add(complement);
        weights.add(1.0);
        weights.add(1.0);
      }
    }
    int sampled = rows.size() - 1;
    // every coalition of an exact enumeration is needed; sampled ones may settle early
    int step = settings.tolerance() > 0 && !exact ? EarlyStop.CHECK_EVERY : sampled;
    double[][] out = null;
    for (int n = Math.min(step, sampled); ; n = Math.min(n + step, sampled)) {
      double[][] fit = fit(game, full, targets, rows.subList(0, n + 1), weights.subList(0, n + 1), progress);
      boolean settled = out != null && EarlyStop.change(out, fit) < settings.tolerance();
      out = fit;
      if (settled || n == sampled) {
        return new Attributions(out, settings.tolerance() > 0 ? Map.of("coalitions", n) : Map.of());
      }
    }
  }

  /** The attributions fitted on {@code rows} (the empty coalition first) of kernel {@code weights}. */
  private double[][] fit(Coalitions game, float[] full, List<LabelScore> targets, List<boolean[]> rows,
                         List<Double> weights, Progress progress) {
    float[][] scores = game.scores(rows.toArray(boolean[][]::new), progress, "kernelshap coalitions");
    double[][] y = new double[targets.size()][];
    double[] none = new double[targets.size()];
    double[] whole = new double[targets.size()];
    for (int t = 0; t < targets.size(); t++) {
      double[] p = probabilities(scores, targets.get(t));
      none[t] = p[0];
      whole[t] = probabilities(new float[][] {full}, targets.get(t))[0];
      y[t] = Arrays.copyOfRange(p, 1, p.length);
    }
    boolean[][] design = rows.subList(1, rows.size()).toArray(boolean[][]::new);
    double[] w = weights.subList(1, weights.size()).stream().mapToDouble(Double::doubleValue).toArray();
    return ShapleyFit.fit(design, w, y, none, whole);
  }

  /** The probability of each coalition size {@code 1 .. M-1} under the Shapley kernel, cumulative. */
  private static double[] sizeDistribution(int m) {
    double[] cumulative = new double[m - 1];
    double total = 0;
    for (int k = 1; k < m; k++) {
      total += (m - 1.0) / ((double) k * (m - k));
      cumulative[k - 1] = total;
    }
    for (int i = 0; i < cumulative.length; i++) {
      cumulative[i] /= total;
    }
    return cumulative;
  }

  private static int size(double[] cumulative, Random random) {
    double u = random.nextDouble();
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i + 1;
      }
    }
    return cumulative.length;
  }

  /** A uniformly random subset of {@code size} of {@code m} features. */
  private static boolean[] subset(int m, int size, Random random) {
    int[] order = shuffled(m, random);
    boolean[] row = new boolean[m];
    for (int i = 0; i < size; i++) {
      row[order[i]] = true;
    }
    return row;
  }
}
