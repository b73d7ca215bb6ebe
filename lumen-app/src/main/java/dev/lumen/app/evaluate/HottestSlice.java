package dev.lumen.app.evaluate;

import dev.lumen.core.explain.Explanation;
import dev.lumen.core.tensor.Tensor;

/**
 * The slice of an exam or a volume that its map ranks hottest: the slice holding the map's
 * largest value. A finding in a volume is scored on that slice, as a 3D pointing game.
 */
public final class HottestSlice {
  private HottestSlice() {}

  /** The index of the slice {@code map} ranks hottest. */
  public static int of(Explanation map) {
    // per-slice heat maps are normalised slice by slice, so the raw map says which slice is hottest;
    // a 3D model's raw map has the layer's depth, and its heat map is normalised over the volume
    Tensor levels = map.raw().dim(0) == map.slices() ? map.raw() : map.heatmap();
    int hottest = 0;
    for (int s = 1; s < map.slices(); s++) {
      hottest = max(levels.slice(s)) > max(levels.slice(hottest)) ? s : hottest;
    }
    return hottest;
  }

  private static float max(Tensor t) {
    float m = Float.NEGATIVE_INFINITY;
    for (float v : t.unsafeData()) {
      m = Math.max(m, v);
    }
    return m;
  }
}
