package dev.lumen.core.explain.fixations;

import dev.lumen.core.explain.Explanation;
import java.util.List;

/**
 * One CNN-Fixations explanation with its points.
 *
 * @param explanation the point density, blurred ({@code [slices, H, W]} at the model input), and
 *     its heat map
 * @param points the fixations kept after outlier removal, as {@code {slice, y, x}} in model input
 *     pixels
 * @param outliers the fixations dropped as outliers
 */
public record FixationResult(Explanation explanation, List<int[]> points, List<int[]> outliers) {
  public FixationResult {
    points = List.copyOf(points);
    outliers = List.copyOf(outliers);
  }
}
