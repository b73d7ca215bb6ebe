package dev.lumen.core.explain.shapley;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.lime.Coalitions;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import java.util.List;

/**
 * Feature ablation over superpixels, as Captum's {@code FeatureAblation} with a feature mask: a
 * superpixel's attribution is the drop of the target's probability when it alone is hidden,
 * {@code p(x) - p(x without it)}.
 *
 * <p>Cost: one forward pass per superpixel (per superpixel of every slice for exams), batched,
 * shared by every target.
 */
public final class FeatureAblation extends SuperpixelAttribution {

  private FeatureAblation(Model model, Segmentation segmentation, Hide hide) {
    super(model, segmentation, hide);
  }

  /** Feature ablation of the superpixels {@code segmentation} cuts, hidden as {@code hide} says. */
  public static FeatureAblation of(Model model, Segmentation segmentation, Hide hide) {
    return new FeatureAblation(model, segmentation, hide);
  }

  @Override
  public String method() {
    return "featureablation";
  }

  @Override
  Attributions attributions(Coalitions game, float[] full, List<LabelScore> targets, Progress progress) {
    int m = game.features();
    boolean[][] rows = new boolean[m + 1][];
    rows[0] = coalition(m, true);
    for (int f = 0; f < m; f++) {
      rows[f + 1] = coalition(m, true);
      rows[f + 1][f] = false;
    }
    float[][] scores = game.scores(rows, progress, "feature ablation superpixels");
    double[][] out = new double[targets.size()][m];
    for (int t = 0; t < targets.size(); t++) {
      double[] p = probabilities(scores, targets.get(t));
      for (int f = 0; f < m; f++) {
        out[t][f] = p[0] - p[f + 1];
      }
    }
    return Attributions.of(out);
  }
}
