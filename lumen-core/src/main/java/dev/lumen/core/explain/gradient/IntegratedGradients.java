package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Propagation;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;

/**
 * Integrated gradients (Sundararajan et al., ICML 2017): {@code (x - x0) * integral_0^1
 * dS/dx(x0 + a (x - x0)) da}, the integral by Gauss–Legendre quadrature (Captum's default) or the
 * trapezoidal Riemann rule. The baseline {@code x0} is the all-zero model input (the mean image
 * under mean/std normalisation). Attributions add up to {@code S(x) - S(x0)} (completeness).
 *
 * <p>Cost: one forward and backward pass per step per batch, for every target together.
 */
public final class IntegratedGradients extends InputAttribution {

  /** The quadrature rule. */
  public enum Rule { GAUSS_LEGENDRE, RIEMANN_TRAPEZOID }

  /**
   * @param steps the number of points on the path
   * @param rule the quadrature rule
   */
  public record Settings(int steps, Rule rule) {
    public Settings {
      if (steps < 2) {
        throw new IllegalArgumentException("integrated gradients needs at least 2 steps, got " + steps);
      }
    }

    /** 50 Gauss–Legendre steps, Captum's defaults. */
    public static Settings defaults() {
      return new Settings(50, Rule.GAUSS_LEGENDRE);
    }
  }

  private final Settings settings;

  private IntegratedGradients(Model model, Settings settings) {
    super(model);
    this.settings = settings;
  }

  /** Integrated gradients with {@code settings}. */
  public static IntegratedGradients of(Model model, Settings settings) {
    return new IntegratedGradients(model, settings);
  }

  @Override
  public String method() {
    return "integratedgradients";
  }

  @Override
  Propagation propagation() {
    return Propagation.GRADIENT;
  }

  @Override
  Tensor attribution(Tensor input, Pass first) {
    double[][] points = settings.rule() == Rule.GAUSS_LEGENDRE ? Quadrature.gaussLegendre(settings.steps())
        : Quadrature.trapezoid(settings.steps());
    float[] x = input.unsafeData();
    float[] sum = null;
    long[] shape = null;
    for (int s = 0; s < points[0].length; s++) {
      float alpha = (float) points[0][s];
      float[] scaled = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        scaled[i] = alpha * x[i];
      }
      Tensor g = inputGradient(run(Tensor.of(scaled, input.shape()), first.labels()));
      if (sum == null) {
        sum = new float[g.size()];
        shape = g.shape();
      }
      float w = (float) points[1][s];
      float[] gd = g.unsafeData();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += w * gd[i];
      }
    }
    return times(Tensor.of(sum, shape), input);
  }
}
