package dev.lumen.core.preprocess;

/**
 * Bilinear resampling of planes with half-pixel centres; coordinates outside the source are
 * clamped to its edge (PyTorch's {@code interpolate(..., align_corners=False)} and OpenCV's
 * {@code INTER_LINEAR} behave so when upsampling).
 */
public final class Bilinear {
  private Bilinear() {}

  /**
   * Samples {@code src} ({@code srcW x srcH}, row-major) onto a {@code outW x outH} grid whose
   * pixel {@code (x, y)} sits at source coordinates {@code (mapX(x), mapY(y))}.
   */
  public static float[] resample(float[] src, int srcW, int srcH, int outW, int outH,
                                 AxisMap mapX, AxisMap mapY) {
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] fx = new float[outW];
    weights(mapX, srcW, x0, x1, fx);
    int[] y0 = new int[outH];
    int[] y1 = new int[outH];
    float[] fy = new float[outH];
    weights(mapY, srcH, y0, y1, fy);
    float[] out = new float[outW * outH];
    for (int y = 0; y < outH; y++) {
      int r0 = y0[y] * srcW;
      int r1 = y1[y] * srcW;
      float wy = fy[y];
      for (int x = 0; x < outW; x++) {
        float top = src[r0 + x0[x]] + (src[r0 + x1[x]] - src[r0 + x0[x]]) * fx[x];
        float bottom = src[r1 + x0[x]] + (src[r1 + x1[x]] - src[r1 + x0[x]]) * fx[x];
        out[y * outW + x] = top + (bottom - top) * wy;
      }
    }
    return out;
  }

  /** The plain resize of {@code src} to {@code outW x outH}. */
  public static float[] resize(float[] src, int srcW, int srcH, int outW, int outH) {
    return resample(src, srcW, srcH, outW, outH, AxisMap.resize(srcW, outW), AxisMap.resize(srcH, outH));
  }

  private static void weights(AxisMap map, int size, int[] lo, int[] hi, float[] frac) {
    for (int i = 0; i < lo.length; i++) {
      double c = Math.min(Math.max(map.apply(i), 0), size - 1);
      int f = (int) Math.floor(c);
      lo[i] = f;
      hi[i] = Math.min(f + 1, size - 1);
      frac[i] = (float) (c - f);
    }
  }
}
