package dev.lumen.core.train;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Binary logistic regression with an unpenalised intercept and an L2 penalty on the
 * coefficients, as scikit-learn's {@code LogisticRegression(C)} defines it: it minimises
 * {@code sum_i logloss(y_i, sigmoid(b + w . x_i)) + |w|^2 / (2 C)}, here by Newton's method
 * (the objective is strictly convex, so a few steps reach the optimum). The penalty keeps the
 * coefficients finite when the classes are separable.
 *
 * @param coefficients one per feature
 * @param intercept the constant term
 */
public record LogisticRegression(double[] coefficients, double intercept) {
  private static final int MAX_STEPS = 100;

  /**
   * Fits {@code truth ~ x} ({@code x}: {@code [rows][features]}) with inverse penalty {@code c}.
   *
   * @throws IllegalArgumentException when {@code truth} holds one class only: the unpenalised
   *     intercept then has no optimum (it runs off to infinity), as scikit-learn also refuses
   */
  public static LogisticRegression fit(double[][] x, boolean[] truth, double c) {
    if (x.length == 0 || x.length != truth.length || c <= 0) {
      throw new IllegalArgumentException("need as many rows as labels (got " + x.length + " and " + truth.length
          + ") and c > 0");
    }
    int positives = 0;
    for (boolean t : truth) {
      positives += t ? 1 : 0;
    }
    if (positives == 0 || positives == truth.length) {
      throw new IllegalArgumentException("logistic regression needs both classes, got " + positives + " positive of "
          + truth.length);
    }
    int p = x[0].length + 1;                       // the intercept is parameter 0
    double[] theta = new double[p];
    for (int step = 0; step < MAX_STEPS; step++) {
      DMatrixRMaj hessian = new DMatrixRMaj(p, p);
      DMatrixRMaj gradient = new DMatrixRMaj(p, 1);
      for (int j = 1; j < p; j++) {
        gradient.add(j, 0, theta[j] / c);
        hessian.add(j, j, 1 / c);
      }
      double[] row = new double[p];
      for (int i = 0; i < x.length; i++) {
        row[0] = 1;
        System.arraycopy(x[i], 0, row, 1, p - 1);
        double q = sigmoid(dot(theta, row));
        double residual = q - (truth[i] ? 1 : 0);
        double curvature = q * (1 - q);
        for (int j = 0; j < p; j++) {
          gradient.add(j, 0, residual * row[j]);
          for (int k = 0; k < p; k++) {
            hessian.add(j, k, curvature * row[j] * row[k]);
          }
        }
      }
      DMatrixRMaj delta = new DMatrixRMaj(p, 1);
      if (!CommonOps_DDRM.solve(hessian, gradient, delta)) {
        throw new IllegalStateException("logistic regression: singular Hessian");
      }
      double largest = 0;
      for (int j = 0; j < p; j++) {
        theta[j] -= delta.get(j, 0);
        largest = Math.max(largest, Math.abs(delta.get(j, 0)));
      }
      if (largest < 1e-10) {
        break;
      }
    }
    return new LogisticRegression(java.util.Arrays.copyOfRange(theta, 1, p), theta[0]);
  }

  /** The probability of the positive class for {@code features}. */
  public double probability(double[] features) {
    double z = intercept;
    for (int j = 0; j < coefficients.length; j++) {
      z += coefficients[j] * features[j];
    }
    return sigmoid(z);
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
