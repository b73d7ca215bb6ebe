package dev.lumen.core.explain.gradient;

/** Quadrature rules on [0, 1]: {@code {points, weights}}. */
final class Quadrature {
  private Quadrature() {}

  /** The trapezoidal rule on {@code n} evenly spaced points, ends included. */
  static double[][] trapezoid(int n) {
    double[] x = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (double) i / (n - 1);
      w[i] = (i == 0 || i == n - 1 ? 0.5 : 1.0) / (n - 1);
    }
    return new double[][] {x, w};
  }

  /**
   * Gauss–Legendre nodes and weights for {@code n} points, mapped from [-1, 1] to [0, 1]: the
   * roots of the Legendre polynomial {@code P_n} by Newton's method from Chebyshev guesses.
   */
  static double[][] gaussLegendre(int n) {
    double[] x = new double[n];
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double derivative = 0;
      for (int iteration = 0; iteration < 100; iteration++) {
        double p0 = 1;
        double p1 = z;
        for (int k = 2; k <= n; k++) {
          double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        derivative = n * (z * p1 - p0) / (z * z - 1);
        double step = p1 / derivative;
        z -= step;
        if (Math.abs(step) < 1e-15) {
          break;
        }
      }
      x[n - 1 - i] = (1 + z) / 2;
      w[n - 1 - i] = 1 / ((1 - z * z) * derivative * derivative);
    }
    return new double[][] {x, w};
  }
}
