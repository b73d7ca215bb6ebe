package dev.lumen.core.explain.lime;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Ridge regression with an intercept and sample weights, as scikit-learn's
 * {@code Ridge(alpha, fit_intercept=True).fit(X, y, sample_weight=w)} defines it: the data
 * centred on their weighted means, {@code beta = (Xc^T W Xc + alpha I)^-1 Xc^T W yc}, the
 * intercept restoring the means. With {@code alpha = 0} the pseudo-inverse gives the
 * minimum-norm least-squares solution.
 *
 * @param coefficients one per column
 * @param intercept the constant term
 */
public record WeightedRidge(double[] coefficients, double intercept) {

  /** Fits {@code y ~ x} ({@code x}: {@code [rows][columns]}) with {@code weights} and penalty {@code alpha}. */
  public static WeightedRidge fit(double[][] x, double[] y, double[] weights, double alpha) {
    int n = x.length;
    int p = x[0].length;
    double total = 0;
    double yMean = 0;
    double[] xMean = new double[p];
    for (int i = 0; i < n; i++) {
      total += weights[i];
      yMean += weights[i] * y[i];
      for (int j = 0; j < p; j++) {
        xMean[j] += weights[i] * x[i][j];
      }
    }
    yMean /= total;
    for (int j = 0; j < p; j++) {
      xMean[j] /= total;
    }
    DMatrixRMaj a = new DMatrixRMaj(p, p);
    DMatrixRMaj b = new DMatrixRMaj(p, 1);
    double[] centred = new double[p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        centred[j] = x[i][j] - xMean[j];
      }
      double yc = y[i] - yMean;
      for (int j = 0; j < p; j++) {
        double wj = weights[i] * centred[j];
        b.add(j, 0, wj * yc);
        for (int k = 0; k < p; k++) {
          a.add(j, k, wj * centred[k]);
        }
      }
    }
    for (int j = 0; j < p; j++) {
      a.add(j, j, alpha);
    }
    DMatrixRMaj beta = new DMatrixRMaj(p, 1);
    if (alpha > 0 && CommonOps_DDRM.solve(a, b, beta)) {
      // solved directly
    } else {
      DMatrixRMaj inverse = new DMatrixRMaj(p, p);
      CommonOps_DDRM.pinv(a, inverse);
      CommonOps_DDRM.mult(inverse, b, beta);
    }
    double[] coefficients = beta.getData().clone();
    double intercept = yMean;
    for (int j = 0; j < p; j++) {
      intercept -= xMean[j] * coefficients[j];
    }
    return new WeightedRidge(coefficients, intercept);
  }

  /** The fitted value of one row. */
  public double predict(double[] row) {
    double v = intercept;
    for (int j = 0; j < coefficients.length; j++) {
      v += coefficients[j] * row[j];
    }
    return v;
  }

  /** The weighted coefficient of determination {@code 1 - SS_res / SS_tot}, as scikit-learn's {@code score}. */
  public double r2(double[][] x, double[] y, double[] weights) {
    double total = 0;
    double mean = 0;
    for (int i = 0; i < y.length; i++) {
      total += weights[i];
      mean += weights[i] * y[i];
    }
    mean /= total;
    double residual = 0;
    double spread = 0;
    for (int i = 0; i < y.length; i++) {
      double e = y[i] - predict(x[i]);
      residual += weights[i] * e * e;
      spread += weights[i] * (y[i] - mean) * (y[i] - mean);
    }
    return spread == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / spread;
  }
}
