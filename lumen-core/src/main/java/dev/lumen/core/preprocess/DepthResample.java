package dev.lumen.core.preprocess;

import dev.lumen.core.tensor.Tensor;

/**
 * Linear resampling along the first axis of a stack ({@code [slices, ...]}), with half-pixel
 * centres as PyTorch's {@code interpolate(mode="trilinear", align_corners=False)} places them:
 * slice {@code i} of {@code n} samples the source at {@code (i + 0.5) * from / n - 0.5}, clamped
 * to the first and last slice. With the in-plane bilinear resampling done per slice this is
 * trilinear resampling, since linear interpolation along separate axes commutes.
 */
public final class DepthResample {
  private DepthResample() {}

  /** {@code stack} resampled to {@code slices} along its first axis (itself when it has that many). */
  public static Tensor to(Tensor stack, int slices) {
    int from = stack.dim(0);
    if (from == slices) {
      return stack;
    }
    int plane = stack.size() / from;
    float[] in = stack.unsafeData();
    float[] out = new float[slices * plane];
    double scale = (double) from / slices;
    for (int i = 0; i < slices; i++) {
      double at = Math.max(0, (i + 0.5) * scale - 0.5);
      int low = Math.min((int) at, from - 1);
      int high = Math.min(low + 1, from - 1);
      float t = (float) (at - low);
      for (int p = 0; p < plane; p++) {
        out[i * plane + p] = in[low * plane + p] * (1 - t) + in[high * plane + p] * t;
      }
    }
    long[] shape = stack.shape();
    shape[0] = slices;
    return Tensor.of(out, shape);
  }
}
