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

  /** An ellipse across an upright solid: its centre and half-axes, millimetres. */
  record Section(double cx, double cy, double rx, double ry) {
    Section towards(Section other, double t) {
      return new Section(cx + t * (other.cx - cx), cy + t * (other.cy - cy), rx + t * (other.rx - rx),
          ry + t * (other.ry - ry));
    }
  }

  /**
   * An upright solid between two heights whose cross-section changes smoothly from {@code upper}
   * (at height {@code zUpper} and above) to {@code lower} (at {@code zLower} and below), as a long
   * bone widens from its shaft to its end; its rims at both ends are rounded with radius
   * {@code rim}. The margin grows the cross-section and the height.
   */
  record Taper(Section upper, double zUpper, Section lower, double zLower, double zLow, double zHigh, double rim)
      implements Solid {
    @Override
    public boolean contains(double x, double y, double z, double margin) {
      double bottom = zLow - margin;
      double top = zHigh + margin;
      if (z < bottom || z > top) {
        return false;
      }
      double t = Math.max(0, Math.min(1, (z - zLower) / (zUpper - zLower)));
      Section s = lower.towards(upper, t * t * (3 - 2 * t));
      double fromEnd = Math.min(top - z, z - bottom);
      double inset = 0;
      if (fromEnd < rim) {
        double u = 1 - fromEnd / rim;
        inset = rim * (1 - Math.sqrt(1 - u * u));
      }
      double dx = (x - s.cx()) / Math.max(1e-9, s.rx() + margin - inset);
      double dy = (y - s.cy()) / Math.max(1e-9, s.ry() + margin - inset);
      return dx * dx + dy * dy <= 1;
    }
  }
}
