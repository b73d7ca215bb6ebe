package dev.lumen.core.explain.gradient;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;

/**
 * Integrated gradients (Sundararajan et al., ICML 2017): {@code (x - x0) * integral_0^1
 * dS/dx(x0 + a (x - x0)) da}, the integral by Gauss–Legendre quadrature (Captum's default) or the
 * trapezoidal Riemann rule, from a {@link Baseline} {@code x0}. Attributions add up to
 * {@code S(x) - S(x0)} (completeness).
 *
 * <p>Cost: one forward and backward pass per path point and image, for every target together;
 * several points ride in one run.
 */
public final class IntegratedGradients extends InputAttribution {

  /** The quadrature rule. */
  public enum Rule { GAUSS_LEGENDRE, RIEMANN_TRAPEZOID }

  /**
   * @param steps the number of points on the path
   * @param rule the quadrature rule
   * @param baseline where the path starts
   * @param pointsPerRun path points stacked into one run for images (volume models run one
   *     point at a time, an exam being the batch)
   */
  public record Settings(int steps, Rule rule, Baseline baseline, int pointsPerRun) {
    public Settings {
      if (steps < 2 || pointsPerRun < 1) {
        throw new IllegalArgumentException("integrated gradients needs at least 2 steps and 1 point per run, got "
            + steps + " and " + pointsPerRun);
      }
    }

    /**
     * {@code steps} points by {@code rule} from the zero baseline, one point per run (stacking
     * points did not pay on the 2-core benchmark machine: see docs/benchmarks.md).
     */
    public Settings(int steps, Rule rule) {
      this(steps, rule, Baseline.ZERO, 1);
    }

    /** 50 Gauss–Legendre steps from the zero baseline, as Captum's defaults. */
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
  Tensor attribution(Tensor input, Pass first, Progress progress) {
    double[][] points = settings.rule() == Rule.GAUSS_LEGENDRE ? Quadrature.gaussLegendre(settings.steps())
        : Quadrature.trapezoid(settings.steps());
    float[] x = input.unsafeData();
    float[] base = settings.baseline().of(model, input).unsafeData();
    int[][] labels = first.labels();
    int chunk = model.input().volume() ? 1 : settings.pointsPerRun();
    float[] sum = null;
    long[] shape = null;
    for (int start = 0; start < points[0].length; start += chunk) {
      int n = Math.min(chunk, points[0].length - start);
      float[] stacked = new float[n * x.length];
      int[][] stackedLabels = new int[n * labels.length][];
      for (int j = 0; j < n; j++) {
        float alpha = (float) points[0][start + j];
        for (int i = 0; i < x.length; i++) {
          stacked[j * x.length + i] = base[i] + alpha * (x[i] - base[i]);
        }
        System.arraycopy(labels, 0, stackedLabels, j * labels.length, labels.length);
      }
      long[] stackedShape = input.shape();
      stackedShape[0] *= n;
      Tensor g = inputGradient(run(Tensor.of(stacked, stackedShape), stackedLabels));   // [K, n * N, ...]
      int seeds = g.dim(0);
      int perSeed = g.size() / seeds;
      int perPoint = perSeed / n;
      if (sum == null) {
        sum = new float[seeds * perPoint];
        shape = g.shape();
        shape[1] /= n;
      }
      float[] gd = g.unsafeData();
      for (int k = 0; k < seeds; k++) {
        for (int j = 0; j < n; j++) {
          float w = (float) points[1][start + j];
          for (int i = 0; i < perPoint; i++) {
            sum[k * perPoint + i] += w * gd[k * perSeed + j * perPoint + i];
          }
        }
      }
      progress.advance("integrated gradients path points", start + n, points[0].length);
    }
    float[] difference = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      difference[i] = x[i] - base[i];
    }
    return times(Tensor.of(sum, shape), Tensor.of(difference, input.shape()));
  }
}
