package dev.lumen.core.quality;

import dev.lumen.core.explain.Explanation;
import java.util.List;

/**
 * How alike two sets of maps of the same findings are, on average: the similarities of Adebayo et
 * al.'s randomisation tests ({@link MapSimilarity}) — Spearman's rank correlation of the raw maps
 * (at the method's resolution, the whole volume of a volume's), of their absolute values and
 * signed, and SSIM and HOG similarity of the heat maps (normalised, in the study's geometry). A
 * volume's heat maps are compared slice by slice: SSIM is the mean over its slices (every slice
 * has as many windows), HOG the correlation of the slices' descriptors put end to end.
 */
public record Similarity(double spearmanOfAbsolute, double spearman, double ssim, double hog) {
  /** The mean similarities of {@code a.get(i)} and {@code b.get(i)}, maps of one finding. */
  public static Similarity mean(List<Explanation> a, List<Explanation> b) {
    if (a.size() != b.size() || a.isEmpty()) {
      throw new IllegalArgumentException("similarities compare maps in pairs, got " + a.size() + " and " + b.size());
    }
    double rankAbs = 0;
    double rank = 0;
    double ssim = 0;
    double hog = 0;
    for (int i = 0; i < a.size(); i++) {
      float[] rawA = a.get(i).raw().unsafeData();
      float[] rawB = b.get(i).raw().unsafeData();
      rankAbs += MapSimilarity.spearmanOfAbsolute(rawA, rawB);
      rank += MapSimilarity.spearman(rawA, rawB);
      int slices = a.get(i).slices();
      int width = a.get(i).heatmap(0).dim(1);
      float[][] heatA = new float[slices][];
      float[][] heatB = new float[slices][];
      for (int s = 0; s < slices; s++) {
        heatA[s] = a.get(i).heatmap(s).unsafeData();
        heatB[s] = b.get(i).heatmap(s).unsafeData();
        ssim += MapSimilarity.ssim(heatA[s], heatB[s], width) / slices;
      }
      hog += MapSimilarity.hog(heatA, heatB, width);
    }
    int n = a.size();
    return new Similarity(rankAbs / n, rank / n, ssim / n, hog / n);
  }
}
