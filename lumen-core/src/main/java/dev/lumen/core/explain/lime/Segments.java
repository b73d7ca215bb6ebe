package dev.lumen.core.explain.lime;

/**
 * Superpixels of one image: the segment of every pixel ({@code 0 .. count-1}, row-major).
 *
 * @param labels the segment of every pixel
 * @param count the number of segments
 * @param width image width
 * @param height image height
 */
public record Segments(int[] labels, int count, int width, int height) {
  public Segments {
    labels = labels.clone();
  }

  /**
   * Segments from raw labels, renumbered {@code 0 .. count-1} in order of first appearance so
   * that labels a segmenter left unused do not become features.
   */
  static Segments of(int[] raw, int declared, int width, int height) {
    int max = declared;
    for (int v : raw) {
      max = Math.max(max, v + 1);
    }
    int[] map = new int[max];
    java.util.Arrays.fill(map, -1);
    int next = 0;
    int[] out = new int[raw.length];
    for (int i = 0; i < raw.length; i++) {
      if (map[raw[i]] < 0) {
        map[raw[i]] = next++;
      }
      out[i] = map[raw[i]];
    }
    return new Segments(out, next, width, height);
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  /** The segment of pixel {@code i}. */
  public int at(int i) {
    return labels[i];
  }
}
