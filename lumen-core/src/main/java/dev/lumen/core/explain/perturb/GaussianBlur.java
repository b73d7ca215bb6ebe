package dev.lumen.core.explain.perturb;

/** Separable Gaussian blur of one plane or one volume, edges extended. */
public final class GaussianBlur {
  private GaussianBlur() {}

  /** {@code plane} ({@code w x h}) blurred with standard deviation {@code sigma} pixels. */
  public static float[] apply(float[] plane, int w, int h, double sigma) {
    return apply(plane, w, h, 1, sigma);
  }

  /**
   * {@code volume} ({@code d} slices of {@code w x h}, slice by slice) blurred with standard
   * deviation {@code sigma} voxels along each of its three axes (along two when {@code d} is 1).
   */
  public static float[] apply(float[] volume, int w, int h, int d, double sigma) {
    if (sigma <= 0) {
      return volume.clone();
    }
    float[] kernel = kernel(sigma);
    float[] out = pass(volume, kernel, w, 1, w);
    out = pass(out, kernel, h, w, w * h);
    return d > 1 ? pass(out, kernel, d, w * h, w * h * d) : out;
  }

  private static float[] kernel(double sigma) {
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
    return kernel;
  }

  /**
   * One pass of {@code kernel} along the axis of {@code length} values {@code stride} apart; the
   * values come in runs of {@code period} (the axis' length times its stride).
   */
  private static float[] pass(float[] in, float[] kernel, int length, int stride, int period) {
    int radius = kernel.length / 2;
    float[] out = new float[in.length];
    for (int start = 0; start < in.length; start += period) {
      for (int offset = 0; offset < stride; offset++) {
        int base = start + offset;
        for (int i = 0; i < length; i++) {
          float v = 0;
          for (int k = -radius; k <= radius; k++) {
            v += kernel[k + radius] * in[base + Math.min(length - 1, Math.max(0, i + k)) * stride];
          }
          out[base + i * stride] = v;
        }
      }
    }
    return out;
  }
}
