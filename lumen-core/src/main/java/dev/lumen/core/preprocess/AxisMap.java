package dev.lumen.core.preprocess;

/**
 * An affine map from pixel indices of one grid to continuous coordinates in another, with pixel
 * centres at integer coordinates: {@code source = scale * target + offset}.
 *
 * @param scale source pixels per target pixel
 * @param offset source coordinate of target pixel 0's centre
 */
public record AxisMap(double scale, double offset) {

  /**
   * The half-pixel-centre map of a resize from {@code from} pixels to {@code to} pixels, where
   * target pixel {@code i}'s centre {@code i + 0.5} lands at {@code (i + 0.5) * from / to}.
   */
  public static AxisMap resize(int from, int to) {
    double s = (double) from / to;
    return new AxisMap(s, 0.5 * s - 0.5);
  }

  /** This map applied after {@code first}: {@code this(first(i))}. */
  public AxisMap after(AxisMap first) {
    return new AxisMap(scale * first.scale, scale * first.offset + offset);
  }

  /** This map preceded by a shift of the target grid: target pixel 0 is now pixel {@code shift}. */
  public AxisMap shifted(double shift) {
    return new AxisMap(scale, offset + scale * shift);
  }

  /** The source coordinate of target pixel {@code i}. */
  public double apply(int i) {
    return scale * i + offset;
  }
}
