package dev.lumen.core.render;

import java.util.Locale;

/**
 * Maps values in [0, 1] to colours. {@link #JET} is the map of the original CAM work (OpenCV's
 * {@code COLORMAP_JET}); {@link #VIRIDIS} and {@link #INFERNO} are perceptually uniform, so equal
 * steps of the map look like equal steps of colour, and they stay readable in greyscale print.
 */
public enum Colormap {
  /** Blue → cyan → yellow → red. */
  JET(null),
  /** Dark blue → green → yellow (matplotlib's default), interpolated from ten of its colours. */
  VIRIDIS(new int[] {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779,
      0x6ece58, 0xb5de2b, 0xfde725}),
  /** Black → purple → orange → pale yellow, interpolated from ten of its colours. */
  INFERNO(new int[] {0x000004, 0x1b0c41, 0x4a0c6b, 0x781c6d, 0xa52c60, 0xcf4446, 0xed6925,
      0xfb9b06, 0xf7d13d, 0xfcffa4}),
  /** Black → white. */
  GRAY(new int[] {0x000000, 0xffffff});

  private final int[] stops;

  Colormap(int[] stops) {
    this.stops = stops;
  }

  /**
   * The colormap named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the known maps
   */
  public static Colormap named(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown colormap '" + name + "', expected one of [jet, viridis, inferno, gray]");
    }
  }

  /** The colour of {@code v} (clamped to [0, 1]) as {@code 0xRRGGBB}. */
  public int rgb(float v) {
    float x = Math.max(0f, Math.min(1f, Float.isNaN(v) ? 0f : v));
    if (stops == null) {
      return pack(jet(x, 3), jet(x, 2), jet(x, 1));
    }
    float pos = x * (stops.length - 1);
    int i = Math.min((int) pos, stops.length - 2);
    float t = pos - i;
    int a = stops[i];
    int b = stops[i + 1];
    return pack(mix(a >> 16, b >> 16, t), mix(a >> 8, b >> 8, t), mix(a, b, t));
  }

  /** One channel of jet: a triangle around {@code centre / 4}, clipped to [0, 1]. */
  private static float jet(float x, int centre) {
    return Math.max(0f, Math.min(1f, 1.5f - Math.abs(4f * x - centre)));
  }

  private static float mix(int a, int b, float t) {
    return ((a & 0xff) + ((b & 0xff) - (a & 0xff)) * t) / 255f;
  }

  private static int pack(float r, float g, float b) {
    return (Math.round(r * 255) << 16) | (Math.round(g * 255) << 8) | Math.round(b * 255);
  }
}
