package dev.lumen.core.preprocess;

import dev.lumen.core.tensor.Tensor;

/**
 * A 3D convolutional model's one exam between its layout and the per-slice one the rest of Lumen
 * works in: {@code [1, C, D, H, W]} (the graph's) and {@code [D, C, H, W]} (depth first, a stack of
 * slices of C channels), both ways.
 */
public final class DepthAxis {
  private DepthAxis() {}

  /**
   * One exam's tensor depth first: {@code [1, C, D, H, W]} as {@code [D, C, H, W]}, a map
   * {@code [1, d, h, w]} as {@code [d, h, w]}.
   */
  public static Tensor first(Tensor t) {
    if (t.dim(0) != 1 || (t.rank() != 5 && t.rank() != 4)) {
      throw new IllegalArgumentException("one exam's volumetric values are [1, C, D, H, W] or [1, d, h, w], got " + t);
    }
    if (t.rank() == 4) {
      return t.reshape(t.dim(1), t.dim(2), t.dim(3));
    }
    return swap(t.unsafeData(), t.dim(1), t.dim(2), t.dim(3), t.dim(4), false);
  }

  /** Slices {@code [D, C, H, W]} as one volumetric exam {@code [1, C, D, H, W]}. */
  public static Tensor second(Tensor slices) {
    return swap(slices.unsafeData(), slices.dim(1), slices.dim(0), slices.dim(2), slices.dim(3), true);
  }

  /** Between {@code [C][D]} and {@code [D][C]} planes of {@code h * w}; {@code toGraph} from the latter. */
  private static Tensor swap(float[] src, int c, int d, int h, int w, boolean toGraph) {
    int plane = h * w;
    float[] out = new float[src.length];
    for (int ch = 0; ch < c; ch++) {
      for (int z = 0; z < d; z++) {
        int graph = (ch * d + z) * plane;
        int slices = (z * c + ch) * plane;
        System.arraycopy(src, toGraph ? slices : graph, out, toGraph ? graph : slices, plane);
      }
    }
    return toGraph ? Tensor.of(out, 1, c, d, h, w) : Tensor.of(out, d, c, h, w);
  }
}
