package dev.lumen.app.demodata;

/** Distance from a point to a line segment, for drawing tubes (airways, vessels). */
final class Segment {
  private Segment() {}

  /** The distance from (px, py) to the segment from (ax, ay) to (bx, by). */
  static double distance(double px, double py, double ax, double ay, double bx, double by) {
    double dx = bx - ax;
    double dy = by - ay;
    double length2 = dx * dx + dy * dy;
    double t = length2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length2));
    return Math.hypot(px - ax - t * dx, py - ay - t * dy);
  }
}
