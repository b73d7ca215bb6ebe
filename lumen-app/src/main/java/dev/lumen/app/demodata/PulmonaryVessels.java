package dev.lumen.app.demodata;

import java.util.Random;

/**
 * The lung markings: a random branching tree of pulmonary vessels from each hilum, thick and dense
 * near the hilum, tapering and fading towards the periphery, with more and larger vessels towards
 * the bases (where gravity sends the blood in an upright patient).
 */
final class PulmonaryVessels {
  /** Directions of the main trunks from a hilum: radians from lateral-horizontal, positive downwards. */
  private static final double[] TRUNKS = {-1.25, -0.65, -0.1, 0.35, 0.8, 1.25};
  private static final int GENERATIONS = 4;

  private final int size;
  private final float[] density;

  private PulmonaryVessels(int size) {
    this.size = size;
    this.density = new float[size * size];
  }

  /** The vessels of both lungs of {@code anatomy}, as a density per pixel (before masking by the lungs). */
  static float[] draw(ChestAnatomy anatomy, Random r, int size) {
    PulmonaryVessels vessels = new PulmonaryVessels(size);
    double unit = anatomy.lungHeight();
    for (int side : new int[] {ChestAnatomy.RIGHT, ChestAnatomy.LEFT}) {
      double[] hilum = anatomy.hilum(side);
      double x = anatomy.column(hilum[0], side);
      double y = anatomy.row(hilum[1]);
      double outwards = side == ChestAnatomy.LEFT ? 1 : -1;
      for (double angle : TRUNKS) {
        double theta = angle + 0.12 * r.nextGaussian();
        double basal = theta > 0 ? 1.15 : 0.9;
        vessels.branch(r, x, y, outwards, theta, unit * (0.17 + 0.05 * r.nextDouble()) * basal,
            unit * 0.010 * basal, 0.07 * basal, GENERATIONS);
      }
    }
    return vessels.density;
  }

  /**
   * Draws one vessel from (x, y) and, below the last generation, its two daughters: shorter,
   * thinner, fainter, diverging by 15–35 degrees each.
   */
  private void branch(Random r, double x, double y, double outwards, double theta, double length,
      double radius, double contrast, int generations) {
    double endX = x + outwards * Math.cos(theta) * length;
    double endY = y + Math.sin(theta) * length;
    paint(x, y, endX, endY, radius, contrast);
    if (generations == 0) {
      return;
    }
    for (int child = 0; child < 2; child++) {
      double turn = (child == 0 ? -1 : 1) * (0.26 + 0.35 * r.nextDouble());
      branch(r, endX, endY, outwards, theta + turn, length * (0.65 + 0.15 * r.nextDouble()), radius * 0.72,
          contrast * 0.75, generations - 1);
    }
  }

  /** A tube of Gaussian cross-section, kept as the densest vessel wherever vessels cross. */
  private void paint(double ax, double ay, double bx, double by, double radius, double contrast) {
    double reach = radius * 2.5;
    int x0 = Math.max(0, (int) Math.floor(Math.min(ax, bx) - reach));
    int x1 = Math.min(size - 1, (int) Math.ceil(Math.max(ax, bx) + reach));
    int y0 = Math.max(0, (int) Math.floor(Math.min(ay, by) - reach));
    int y1 = Math.min(size - 1, (int) Math.ceil(Math.max(ay, by) + reach));
    double width = Math.max(radius, 0.35);
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        double d = Segment.distance(x, y, ax, ay, bx, by) / width;
        // A vessel narrower than a pixel spreads its density over the pixel, fainter.
        float v = (float) (contrast * Math.min(1, radius / 0.35) * Math.exp(-d * d));
        int i = y * size + x;
        if (v > density[i]) {
          density[i] = v;
        }
      }
    }
  }
}
