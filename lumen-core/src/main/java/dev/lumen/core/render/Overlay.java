package dev.lumen.core.render;

import dev.lumen.core.Ranges;
import dev.lumen.core.image.Image;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A heat map drawn over its image: {@code colour(heat) * alpha + image * beta} per pixel, as the
 * original CAM work does with alpha 0.3 and beta 0.5. Where the heat is below the threshold the
 * image shows alone. Grey studies keep their grey levels under the colour.
 *
 * @param colormap the heat map's colours
 * @param alpha weight of the heat map's colour, in [0, 1]
 * @param beta weight of the image, in [0, 1]
 * @param threshold heat below this (in [0, 1]) is transparent; 0 draws everywhere
 */
public record Overlay(Colormap colormap, float alpha, float beta, float threshold) {
  public Overlay {
    Ranges.requireUnit("alpha", alpha);
    Ranges.requireUnit("beta", beta);
    Ranges.requireUnit("threshold", threshold);
  }

  /** The original CAM rendering: jet, 0.3 heat + 0.5 image, no threshold. */
  public static Overlay original() {
    return new Overlay(Colormap.JET, 0.3f, 0.5f, 0f);
  }

  /** The image alone, in its full range, as it appears under overlays. */
  public static BufferedImage imageOnly(Image image) {
    Tensor nothing = Tensor.zeros(image.height(), image.width());
    return new Overlay(Colormap.GRAY, 0f, 1f, 1f).render(image, nothing);
  }

  /**
   * Draws {@code heatmap} ({@code [height, width]} in [0, 1], the image's size) over
   * {@code image}. The image's values are shown in their full range (its bit depth).
   */
  public BufferedImage render(Image image, Tensor heatmap) {
    int w = image.width();
    int h = image.height();
    if (heatmap.rank() != 2 || heatmap.dim(0) != h || heatmap.dim(1) != w) {
      throw new IllegalArgumentException("heat map " + heatmap + " does not match image " + w + "x" + h);
    }
    float[] px = image.pixels().unsafeData();
    float[] heat = heatmap.unsafeData();
    float scale = 255f / image.maxValue();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int n = w * h;
    for (int i = 0; i < n; i++) {
      float r = px[i] * scale;
      float g = image.isGray() ? r : px[n + i] * scale;
      float b = image.isGray() ? r : px[2 * n + i] * scale;
      int rgb;
      if (heat[i] < threshold) {
        rgb = pack(r, g, b);
      } else {
        int c = colormap.rgb(heat[i]);
        rgb = pack(((c >> 16) & 0xff) * alpha + r * beta, ((c >> 8) & 0xff) * alpha + g * beta,
            (c & 0xff) * alpha + b * beta);
      }
      out.setRGB(i % w, i / w, rgb);
    }
    return out;
  }

  /** Renders and writes a PNG. */
  public void writePng(Image image, Tensor heatmap, Path file) throws IOException {
    AtomicFiles.writePng(file, render(image, heatmap));
  }

  private static int pack(float r, float g, float b) {
    return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
  }

  private static int clamp(float v) {
    return Math.max(0, Math.min(255, Math.round(v)));
  }
}
