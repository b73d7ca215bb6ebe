package dev.lumen.core.quality;

import dev.lumen.core.explain.Explanation;
import dev.lumen.core.image.Image;
import java.util.List;

/**
 * How alike two sets of maps of the same studies are, on average: the similarities of Adebayo et
 * al.'s randomisation tests ({@link MapSimilarity}) — Spearman's rank correlation of the raw maps
 * (at the method's resolution), of their absolute values and signed, and SSIM and HOG similarity
 * of the heat maps (normalised, in the study's geometry).
 */
public record Similarity(double spearmanOfAbsolute, double spearman, double ssim, double hog) {
  /** The mean similarities of {@code a.get(i)} and {@code b.get(i)}, maps of {@code studies.get(i)}. */
  public static Similarity mean(List<Explanation> a, List<Explanation> b, List<Image> studies) {
    double rankAbs = 0;
    double rank = 0;
    double ssim = 0;
    double hog = 0;
    for (int i = 0; i < studies.size(); i++) {
      float[] rawA = a.get(i).raw().unsafeData();
      float[] rawB = b.get(i).raw().unsafeData();
      rankAbs += MapSimilarity.spearmanOfAbsolute(rawA, rawB);
      rank += MapSimilarity.spearman(rawA, rawB);
      float[] heatA = a.get(i).heatmap(0).unsafeData();
      float[] heatB = b.get(i).heatmap(0).unsafeData();
      ssim += MapSimilarity.ssim(heatA, heatB, studies.get(i).width());
      hog += MapSimilarity.hog(heatA, heatB, studies.get(i).width());
    }
    int n = studies.size();
    return new Similarity(rankAbs / n, rank / n, ssim / n, hog / n);
  }
}
