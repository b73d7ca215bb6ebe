package dev.lumen.app.demodata;

/** A solid of the knee phantom, in millimetres; a margin grows it (or, negative, shrinks it). */
interface Solid {
  /** Whether the point lies inside the solid grown by {@code margin} millimetres. */
  boolean contains(double x, double y, double z, double margin);

  /** An axis-aligned ellipsoid. */
  record Ellipsoid(double cx, double cy, double cz, double rx, double ry, double rz) implements Solid {
    @Override
    public boolean contains(double x, double y, double z, double margin) {
      double dx = (x - cx) / (rx + margin);
      double dy = (y - cy) / (ry + margin);
      double dz = (z - cz) / (rz + margin);
      return dx * dx + dy * dy + dz * dz <= 1;
    }
  }

  /** An upright elliptic cylinder between two heights; the margin grows its cross-section only. */
  record Column(double cx, double cy, double rx, double ry, double zLow, double zHigh) implements Solid {
    @Override
    public boolean contains(double x, double y, double z, double margin) {
      if (z < zLow || z > zHigh) {
        return false;
      }
      double dx = (x - cx) / (rx + margin);
      double dy = (y - cy) / (ry + margin);
      return dx * dx + dy * dy <= 1;
    }
  }

  /** The points within {@code radius} of the segment from a to b (a ligament or tendon). */
  record Capsule(double ax, double ay, double az, double bx, double by, double bz, double radius) implements Solid {
    @Override
    public boolean contains(double x, double y, double z, double margin) {
      double t = along(x, y, z);
      double dx = x - (ax + t * (bx - ax));
      double dy = y - (ay + t * (by - ay));
      double dz = z - (az + t * (bz - az));
      double r = radius + margin;
      return dx * dx + dy * dy + dz * dz <= r * r;
    }

    /** Where the point projects onto the segment: 0 at a, 1 at b, clamped. */
    double along(double x, double y, double z) {
      double ux = bx - ax;
      double uy = by - ay;
      double uz = bz - az;
      double t = ((x - ax) * ux + (y - ay) * uy + (z - az) * uz) / (ux * ux + uy * uy + uz * uz);
      return Math.max(0, Math.min(1, t));
    }
  }
}
