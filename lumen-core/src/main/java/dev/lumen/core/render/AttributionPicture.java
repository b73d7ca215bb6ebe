package dev.lumen.core.render;

import dev.lumen.core.preprocess.Channels;
import dev.lumen.core.tensor.Tensor;
import java.awt.image.BufferedImage;

/**
 * An input attribution shown per channel, as pytorch-grad-cam shows guided backpropagation: the
 * values are standardised over the whole attribution ({@code (a - mean) / (std + 1e-5)}), scaled
 * by 0.1 around mid-grey ({@code + 0.5}), clipped to [0, 1]; three channels become the picture's
 * colours (in RGB order, whatever order the model reads), one channel a grey picture.
 */
public final class AttributionPicture {
  private AttributionPicture() {}

  /**
   * The picture of {@code attribution}, {@code [C, h, w]} with 1 or 3 channels in {@code order}.
   *
   * @throws IllegalArgumentException for other channel counts
   */
  public static BufferedImage of(Tensor attribution, Channels order) {
    if (attribution.rank() != 3 || (attribution.dim(0) != 1 && attribution.dim(0) != 3)) {
      throw new IllegalArgumentException("attribution must be [1 or 3 channels, h, w], got " + attribution);
    }
    float[] a = attribution.unsafeData();
    double mean = 0;
    for (float v : a) {
      mean += v;
    }
    mean /= a.length;
    double variance = 0;
    for (float v : a) {
      variance += (v - mean) * (v - mean);
    }
    double scale = 0.1 / (Math.sqrt(variance / a.length) + 1e-5);
    int c = attribution.dim(0);
    int h = attribution.dim(1);
    int w = attribution.dim(2);
    int plane = h * w;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int p = 0; p < plane; p++) {
      int[] rgb = new int[3];
      for (int k = 0; k < 3; k++) {
        int channel = c == 1 ? 0 : order == Channels.BGR ? 2 - k : k;
        double v = (a[channel * plane + p] - mean) * scale + 0.5;
        rgb[k] = (int) Math.round(255 * Math.min(1, Math.max(0, v)));
      }
      out.setRGB(p % w, p / w, (rgb[0] << 16) | (rgb[1] << 8) | rgb[2]);
    }
    return out;
  }
}
