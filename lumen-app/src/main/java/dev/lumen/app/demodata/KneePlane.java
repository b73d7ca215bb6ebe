package dev.lumen.app.demodata;

import java.util.Locale;

/**
 * The three planes of an MRNet exam, each a stack of slices through the knee: which scanner axis
 * the slices step along, how far apart they lie, and how a slice's rows and columns map to the
 * other two axes (radiological display: superior up, anterior left or up). Scanner axes in
 * millimetres: x lateral, y posterior, z superior; the joint line lies near z = 0.
 */
public enum KneePlane {
  AXIAL(2, 3.5),
  CORONAL(1, 3.5),
  SAGITTAL(0, 3.5);

  /** The in-plane field of view in millimetres. */
  static final double FIELD_OF_VIEW = 150;

  private final int sliceAxis;
  private final double spacing;

  KneePlane(int sliceAxis, double spacing) {
    this.sliceAxis = sliceAxis;
    this.spacing = spacing;
  }

  /** The scanner axis the slices step along: 0 for x, 1 for y, 2 for z. */
  int sliceAxis() {
    return sliceAxis;
  }

  /** The folder name MRNet uses. */
  public String folder() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The distance between slices in millimetres. */
  double spacing() {
    return spacing;
  }

  /**
   * The scanner point of a position in a slice: {@code depth} millimetres along the slice axis,
   * {@code row} and {@code column} millimetres from the slice's centre (down and right).
   * Writes x, y, z into {@code out}.
   */
  void point(double depth, double row, double column, double[] out) {
    switch (this) {
      case AXIAL -> set(out, column, row, depth);
      case CORONAL -> set(out, column, depth, -row);
      case SAGITTAL -> set(out, depth, column, -row);
      default -> throw new AssertionError(this);
    }
  }

  private static void set(double[] out, double x, double y, double z) {
    out[0] = x;
    out[1] = y;
    out[2] = z;
  }
}
