package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Propagation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.tensor.Tensor;
import java.util.Random;

/**
 * SmoothGrad (Smilkov et al. 2017) and its variants around any input attribution: the
 * attribution at {@code samples} copies of the input with Gaussian noise of standard deviation
 * {@code level * (max(x) - min(x))}, combined as the mean (SmoothGrad), the mean of squares
 * (SmoothGrad², Hooker et al. 2019) or the variance (VarGrad, Adebayo et al. 2018). The targets
 * are chosen on the clean input. Deterministic given the seed.
 *
 * <p>Cost: the wrapped method's cost per sample.
 */
public final class SmoothGrad extends InputAttribution {

  /** How the noisy attributions combine. */
  public enum Variant {
    MEAN("smoothgrad"), SQUARED("smoothgrad2"), VARIANCE("vargrad");

    private final String prefix;

    Variant(String prefix) {
      this.prefix = prefix;
    }
  }

  /**
   * @param samples noisy copies per input
   * @param level noise standard deviation as a fraction of the input's range (the paper: 0.1–0.2)
   * @param seed the noise's seed
   */
  public record Settings(int samples, double level, long seed) {
    public Settings {
      if (samples < 1 || !(level >= 0) || Double.isInfinite(level)) {
        throw new IllegalArgumentException("SmoothGrad needs samples >= 1 and a finite noise level >= 0, got "
            + samples + " and " + level);
      }
    }

    /** 25 samples at 15 % noise, seed 0. */
    public static Settings defaults() {
      return new Settings(25, 0.15, 0);
    }
  }

  private final InputAttribution inner;
  private final Variant variant;
  private final Settings settings;

  private SmoothGrad(InputAttribution inner, Variant variant, Settings settings) {
    super(inner.model);
    this.inner = inner;
    this.variant = variant;
    this.settings = settings;
  }

  /** {@code variant} around {@code inner} (an input attribution of the same model). */
  public static SmoothGrad around(InputAttribution inner, Variant variant, Settings settings) {
    return new SmoothGrad(inner, variant, settings);
  }

  @Override
  public String method() {
    return variant.prefix + "-" + inner.method();
  }

  @Override
  Propagation propagation() {
    return inner.propagation();
  }

  @Override
  boolean maxMagnitude() {
    return inner.maxMagnitude();
  }

  @Override
  Tensor attribution(Tensor input, Pass first, Progress progress) {
    float[] x = input.unsafeData();
    double sigma = settings.level() * range(x);
    Random random = new Random(settings.seed());
    double[] sum = null;
    double[] squares = null;
    long[] shape = null;
    for (int s = 0; s < settings.samples(); s++) {
      float[] noisy = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        noisy[i] = (float) (x[i] + sigma * random.nextGaussian());
      }
      Tensor at = Tensor.of(noisy, input.shape());
      Tensor q = inner.attribution(at, new Pass(inner.run(at, first.labels()), first.labels()), Progress.none());
      if (sum == null) {
        sum = new double[q.size()];
        squares = new double[q.size()];
        shape = q.shape();
      }
      for (int i = 0; i < sum.length; i++) {
        double v = q.get(i);
        sum[i] += v;
        squares[i] += v * v;
      }
      progress.advance(method() + " noisy samples", s + 1, settings.samples());
    }
    float[] out = new float[sum.length];
    int n = settings.samples();
    for (int i = 0; i < out.length; i++) {
      double mean = sum[i] / n;
      double meanSquare = squares[i] / n;
      out[i] = (float) switch (variant) {
        case MEAN -> mean;
        case SQUARED -> meanSquare;
        case VARIANCE -> meanSquare - mean * mean;
      };
    }
    return Tensor.of(out, shape);
  }
}
