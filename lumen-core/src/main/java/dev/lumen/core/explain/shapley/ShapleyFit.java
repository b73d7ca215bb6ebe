package dev.lumen.core.explain.shapley;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * KernelSHAP's regression: the attributions {@code phi} that minimise
 * {@code sum_z w(z) (v(z) - v(none) - phi . z)^2} subject to {@code sum phi = v(all) - v(none)}
 * (efficiency), for several targets' values {@code v} at once. The constraint is substituted for
 * the last feature's attribution, leaving an ordinary weighted least-squares problem in the
 * others; it is solved in its primal form when there are more coalitions than features, else in
 * its dual form (the minimum-norm fit, which an exam's thousands of superpixels need), with a
 * ridge of {@value #RIDGE} of the mean diagonal only to keep the solve stable.
 */
final class ShapleyFit {
  static final double RIDGE = 1e-8;

  private ShapleyFit() {}

  /** The Shapley kernel's weight of a coalition of {@code size} of {@code m} features. */
  static double kernel(int m, int size) {
    return (m - 1) / (binomial(m, size) * size * (m - size));
  }

  private static double binomial(int n, int k) {
    double c = 1;
    for (int i = 1; i <= k; i++) {
      c = c * (n - k + i) / i;
    }
    return c;
  }

  /**
   * The attributions {@code [targets][features]}.
   *
   * @param coalitions {@code [rows][features]}, true where a feature is in the coalition
   * @param weights one per row
   * @param values {@code [targets][rows]}: each target's value of each coalition
   * @param none each target's value of the empty coalition
   * @param all each target's value of the full coalition
   */
  static double[][] fit(boolean[][] coalitions, double[] weights, double[][] values, double[] none, double[] all) {
    int targets = values.length;
    int m = coalitions.length == 0 ? 1 : coalitions[0].length;
    double[][] out = new double[targets][m];
    if (m == 1 || coalitions.length == 0) {
      for (int t = 0; t < targets; t++) {
        out[t][m - 1] = all[t] - none[t];
      }
      return out;
    }
    int n = coalitions.length;
    int p = m - 1;
    DMatrixRMaj x = new DMatrixRMaj(n, p);
    DMatrixRMaj y = new DMatrixRMaj(n, targets);
    for (int i = 0; i < n; i++) {
      double root = Math.sqrt(weights[i]);
      double last = coalitions[i][p] ? 1 : 0;
      for (int j = 0; j < p; j++) {
        x.set(i, j, root * ((coalitions[i][j] ? 1 : 0) - last));
      }
      for (int t = 0; t < targets; t++) {
        y.set(i, t, root * (values[t][i] - none[t] - last * (all[t] - none[t])));
      }
    }
    DMatrixRMaj phi = new DMatrixRMaj(p, targets);
    if (p <= n) {
      DMatrixRMaj gram = new DMatrixRMaj(p, p);
      CommonOps_DDRM.multTransA(x, x, gram);
      DMatrixRMaj right = new DMatrixRMaj(p, targets);
      CommonOps_DDRM.multTransA(x, y, right);
      solve(gram, right, phi);
    } else {
      DMatrixRMaj gram = new DMatrixRMaj(n, n);
      CommonOps_DDRM.multTransB(x, x, gram);
      DMatrixRMaj dual = new DMatrixRMaj(n, targets);
      solve(gram, y, dual);
      CommonOps_DDRM.multTransA(x, dual, phi);
    }
    for (int t = 0; t < targets; t++) {
      double rest = all[t] - none[t];
      for (int j = 0; j < p; j++) {
        out[t][j] = phi.get(j, t);
        rest -= out[t][j];
      }
      out[t][p] = rest;
    }
    return out;
  }

  /** {@code (a + ridge I) result = b}; the pseudo-inverse where that is still singular. */
  private static void solve(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj result) {
    double ridge = RIDGE * Math.max(CommonOps_DDRM.trace(a) / a.numRows, Double.MIN_NORMAL);
    for (int i = 0; i < a.numRows; i++) {
      a.add(i, i, ridge);
    }
    if (!CommonOps_DDRM.solve(a.copy(), b, result)) {
      DMatrixRMaj inverse = new DMatrixRMaj(a.numRows, a.numCols);
      CommonOps_DDRM.pinv(a, inverse);
      CommonOps_DDRM.mult(inverse, b, result);
    }
  }
}
