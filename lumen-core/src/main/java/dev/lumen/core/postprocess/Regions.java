package dev.lumen.core.postprocess;

import dev.lumen.core.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Regions of a heat map: the pixels at or above a threshold, split into 8-connected components,
 * each with its bounding box and a confidence (the highest heat inside it) — how CRM's authors
 * turn maps into detections.
 */
public final class Regions {
  private Regions() {}

  /**
   * One region's box in pixels, {@code [x0, x1) x [y0, y1)}.
   *
   * @param x0 left edge
   * @param y0 top edge
   * @param x1 right edge (exclusive)
   * @param y1 bottom edge (exclusive)
   * @param confidence the highest heat in the region
   * @param pixels how many pixels the region has
   */
  public record Box(int x0, int y0, int x1, int y1, float confidence, int pixels) {}

  /**
   * The regions of {@code heatmap} ({@code [height, width]}, values in [0, 1]) at or above
   * {@code threshold}, most confident first.
   */
  public static List<Box> of(Tensor heatmap, float threshold) {
    if (heatmap.rank() != 2) {
      throw new IllegalArgumentException("regions need a [height, width] map, got " + heatmap);
    }
    int h = heatmap.dim(0);
    int w = heatmap.dim(1);
    float[] v = heatmap.unsafeData();
    boolean[] seen = new boolean[v.length];
    List<Box> boxes = new ArrayList<>();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int start = 0; start < v.length; start++) {
      if (seen[start] || v[start] < threshold) {
        continue;
      }
      int x0 = w;
      int y0 = h;
      int x1 = 0;
      int y1 = 0;
      int count = 0;
      float best = 0;
      seen[start] = true;
      queue.add(start);
      while (!queue.isEmpty()) {
        int p = queue.poll();
        int x = p % w;
        int y = p / w;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x + 1);
        y1 = Math.max(y1, y + 1);
        best = Math.max(best, v[p]);
        count++;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int nx = x + dx;
            int ny = y + dy;
            if (nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[ny * w + nx] && v[ny * w + nx] >= threshold) {
              seen[ny * w + nx] = true;
              queue.add(ny * w + nx);
            }
          }
        }
      }
      boxes.add(new Box(x0, y0, x1, y1, best, count));
    }
    boxes.sort(Comparator.comparingDouble(Box::confidence).reversed().thenComparing(Box::pixels, Comparator.reverseOrder()));
    return boxes;
  }
}
