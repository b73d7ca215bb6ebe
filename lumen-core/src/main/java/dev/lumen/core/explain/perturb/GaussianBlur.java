package dev.lumen.core.explain.perturb;

/** Separable Gaussian blur of one plane, edges extended. */
public final class GaussianBlur {
  private GaussianBlur() {}

  /** {@code plane} ({@code w x h}) blurred with standard deviation {@code sigma} pixels. */
  public static float[] apply(float[] plane, int w, int h, double sigma) {
    if (sigma <= 0) {
      return plane.clone();
    }
    int radius = (int) Math.ceil(3 * sigma);
    float[] kernel = new float[2 * radius + 1];
    double total = 0;
    for (int i = -radius; i <= radius; i++) {
      kernel[i + radius] = (float) Math.exp(-i * i / (2 * sigma * sigma));
      total += kernel[i + radius];
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= (float) total;
    }
    float[] rows = new float[plane.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = 0;
        for (int k = -radius; k <= radius; k++) {
          v += kernel[k + radius] * plane[y * w + Math.min(w - 1, Math.max(0, x + k))];
        }
        rows[y * w + x] = v;
      }
    }
    float[] out = new float[plane.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = 0;
        for (int k = -radius; k <= radius; k++) {
          v += kernel[k + radius] * rows[Math.min(h - 1, Math.max(0, y + k)) * w + x];
        }
        out[y * w + x] = v;
      }
    }
    return out;
  }
}
