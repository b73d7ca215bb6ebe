package dev.lumen.core.explain.shapley;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.lime.Coalitions;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import java.util.List;
import java.util.Random;

/**
 * Shapley value sampling over superpixels (Castro, Gómez &amp; Tejada 2009; Štrumbelj &amp;
 * Kononenko 2010), as Captum's {@code ShapleyValueSampling}: for each of {@code permutations}
 * random orders the superpixels are revealed one by one from the fully hidden input, each
 * credited with the rise of the target's probability it causes; the attributions are the means.
 * Every permutation's credits add up to {@code p(x) - p(all hidden)} exactly, so their mean does
 * too. Deterministic given the seed.
 *
 * <p>Cost: one forward pass per superpixel and permutation (the fully hidden and the whole input
 * are scored once), batched, shared by every target.
 */
public final class ShapleySampling extends SuperpixelAttribution {

  /**
   * @param segmentation how superpixels are found
   * @param hide what a hidden superpixel shows
   * @param permutations how many random orders
   * @param seed the orders' seed
   */
  public record Settings(Segmentation segmentation, Hide hide, int permutations, long seed) {
    public Settings {
      if (permutations < 1) {
        throw new IllegalArgumentException("Shapley value sampling needs at least 1 permutation, got " + permutations);
      }
    }
  }

  private final Settings settings;

  private ShapleySampling(Model model, Settings settings) {
    super(model, settings.segmentation(), settings.hide());
    this.settings = settings;
  }

  /** Shapley value sampling with {@code settings}. */
  public static ShapleySampling of(Model model, Settings settings) {
    return new ShapleySampling(model, settings);
  }

  @Override
  public String method() {
    return "shapleysampling";
  }

  @Override
  Attributions attributions(Coalitions game, float[] full, List<LabelScore> targets, Progress progress) {
    int m = game.features();
    double[][] out = new double[targets.size()][m];
    Random random = new Random(settings.seed());
    for (int n = 0; n < settings.permutations(); n++) {
      int[] order = shuffled(m, random);
      boolean[][] rows = new boolean[m + 1][];
      rows[0] = coalition(m, false);
      for (int j = 0; j < m; j++) {
        rows[j + 1] = rows[j].clone();
        rows[j + 1][order[j]] = true;
      }
      float[][] scores = game.scores(rows, progress,
          "shapley sampling, permutation " + (n + 1) + " of " + settings.permutations());
      for (int t = 0; t < targets.size(); t++) {
        double[] p = probabilities(scores, targets.get(t));
        for (int j = 0; j < m; j++) {
          out[t][order[j]] += (p[j + 1] - p[j]) / settings.permutations();
        }
      }
      progress.advance("shapley sampling permutations", n + 1, settings.permutations());
    }
    return Attributions.of(out);
  }
}
