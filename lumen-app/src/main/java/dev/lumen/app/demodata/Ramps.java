package dev.lumen.app.demodata;

/** Soft edges for the drawn anatomy, so that outlines are smooth rather than stair-stepped. */
final class Ramps {
  private Ramps() {}

  /**
   * A smooth step of {@code v} over a ramp of {@code width}: 0 below {@code -width/2}, 1 above
   * {@code width/2}, a smoothstep in between.
   */
  static double step(double v, double width) {
    double t = Math.max(0, Math.min(1, v / width + 0.5));
    return t * t * (3 - 2 * t);
  }
}
