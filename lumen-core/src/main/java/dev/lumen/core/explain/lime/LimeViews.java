package dev.lumen.core.explain.lime;

import dev.lumen.core.image.Image;
import dev.lumen.core.preprocess.AxisMap;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.render.Overlay;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The pictures users of the reference library know, drawn on the original image (its
 * superpixels mapped back through the preprocessing's resize and crop):
 * <ul>
 *   <li>{@link #region}: the {@code k} superpixels that speak most for the target, alone
 *       ({@code positive_only=True, hide_rest=True});
 *   <li>{@link #prosAndCons}: the {@code k} strongest superpixels over the whole image, green
 *       for, red against ({@code positive_only=False, hide_rest=False});
 *   <li>{@link #hideRest}: the {@code k} strongest superpixels, for or against, alone
 *       ({@code positive_only=False, hide_rest=True}).
 * </ul>
 * Shown superpixels are outlined in yellow, as {@code mark_boundaries} does.
 */
public final class LimeViews {
  private static final int YELLOW = 0xffff00;
  private static final int GREEN = 0x00ff00;
  private static final int RED = 0xff0000;

  private final Image image;
  private final LimeResult result;
  private final int slice;
  private final int[] segmentOf;

  /** Views of slice {@code slice} of {@code result}, drawn on {@code image} whose preprocessing was {@code geometry}. */
  public LimeViews(Image image, Geometry geometry, LimeResult result, int slice) {
    this.image = image;
    this.result = result;
    this.slice = slice;
    Segments segments = result.segments().get(slice);
    AxisMap mapX = geometry.sourceToFeatureX(segments.width());
    AxisMap mapY = geometry.sourceToFeatureY(segments.height());
    this.segmentOf = new int[image.width() * image.height()];
    for (int y = 0; y < image.height(); y++) {
      int sy = clamp((int) Math.round(mapY.apply(y)), segments.height());
      for (int x = 0; x < image.width(); x++) {
        int sx = clamp((int) Math.round(mapX.apply(x)), segments.width());
        segmentOf[y * image.width() + x] = segments.at(sy * segments.width() + sx);
      }
    }
  }

  /** The {@code k} superpixels most for the target, the rest black. */
  public BufferedImage region(int k) {
    return draw(result.top(k, true), true, false);
  }

  /** The {@code k} strongest superpixels over the image: green for, red against. */
  public BufferedImage prosAndCons(int k) {
    return draw(result.top(k, false), false, true);
  }

  /** The {@code k} strongest superpixels, for or against, the rest black. */
  public BufferedImage hideRest(int k) {
    return draw(result.top(k, false), true, false);
  }

  private BufferedImage draw(List<int[]> chosen, boolean hideRest, boolean tint) {
    int count = result.segments().get(slice).count();
    int[] sign = new int[count];
    for (int[] sg : chosen) {
      if (sg[0] == slice) {
        sign[sg[1]] = result.weight(slice, sg[1]) > 0 ? 1 : -1;
      }
    }
    BufferedImage picture = Overlay.imageOnly(image);
    int w = image.width();
    int h = image.height();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = y * w + x;
        int s = sign[segmentOf[p]];
        if (s == 0) {
          if (hideRest) {
            picture.setRGB(x, y, 0);
          }
        } else if (boundary(x, y, w, h)) {
          picture.setRGB(x, y, YELLOW);
        } else if (tint) {
          picture.setRGB(x, y, blend(picture.getRGB(x, y), s > 0 ? GREEN : RED));
        }
      }
    }
    return picture;
  }

  /** Whether a 4-neighbour of (x, y) lies in another superpixel. */
  private boolean boundary(int x, int y, int w, int h) {
    int s = segmentOf[y * w + x];
    return (x > 0 && segmentOf[y * w + x - 1] != s) || (x < w - 1 && segmentOf[y * w + x + 1] != s)
        || (y > 0 && segmentOf[(y - 1) * w + x] != s) || (y < h - 1 && segmentOf[(y + 1) * w + x] != s);
  }

  /** Half the pixel, half the colour. */
  private static int blend(int rgb, int colour) {
    int r = (((rgb >> 16) & 0xff) + ((colour >> 16) & 0xff)) / 2;
    int g = (((rgb >> 8) & 0xff) + ((colour >> 8) & 0xff)) / 2;
    int b = ((rgb & 0xff) + (colour & 0xff)) / 2;
    return (r << 16) | (g << 8) | b;
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size - 1, v));
  }
}
