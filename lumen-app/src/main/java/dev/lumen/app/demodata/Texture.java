package dev.lumen.app.demodata;

/**
 * Smooth random texture in 3D (value noise): random values on a lattice, interpolated with a
 * smooth step between lattice points. Evaluated in the knee's own frame, the same texture appears
 * in every plane the knee is resliced into, as tissue structure does.
 */
final class Texture {
  private final long seed;

  Texture(long seed) {
    this.seed = seed;
  }

  /** The texture at (x, y, z) on a lattice of the given cell sizes (millimetres); in [-1, 1]. */
  double at(double x, double y, double z, double cellX, double cellY, double cellZ) {
    double u = x / cellX;
    double v = y / cellY;
    double w = z / cellZ;
    long i = (long) Math.floor(u);
    long j = (long) Math.floor(v);
    long k = (long) Math.floor(w);
    double fu = smooth(u - i);
    double fv = smooth(v - j);
    double fw = smooth(w - k);
    double value = 0;
    for (int corner = 0; corner < 8; corner++) {
      int di = corner & 1;
      int dj = (corner >> 1) & 1;
      int dk = corner >> 2;
      double weight = (di == 1 ? fu : 1 - fu) * (dj == 1 ? fv : 1 - fv) * (dk == 1 ? fw : 1 - fw);
      value += weight * latticeValue(i + di, j + dj, k + dk);
    }
    return value;
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  /** A value in [-1, 1] hashed from the lattice point and the seed (SplitMix64's finaliser). */
  private double latticeValue(long i, long j, long k) {
    long h = seed ^ (i * 0x9E3779B97F4A7C15L) ^ (j * 0xC2B2AE3D27D4EB4FL) ^ (k * 0x165667B19E3779F9L);
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    h ^= h >>> 31;
    return (h >>> 11) * 0x1.0p-53 * 2 - 1;
  }
}
