package dev.lumen.core.explain.gradient;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * GradientSHAP, or expected gradients (Lundberg &amp; Lee 2017; Erion et al. 2021):
 * {@code E[(x' - b) * dS/dx(b + a (x' - b))]} over baselines {@code b} drawn from a set, points
 * {@code a} uniform on [0, 1] and noisy inputs {@code x' = x + N(0, sigma^2)}, with {@code sigma}
 * a fraction of the input's range as SmoothGrad's. The mean over samples; in expectation the
 * attributions add up to {@code S(x)} less the mean of the baselines' scores. Targets are chosen
 * on the clean input; deterministic given the seed.
 *
 * <p>Cost: one forward and backward pass per sample and batch, for every target together.
 */
public final class GradientShap extends InputAttribution {

  /**
   * @param baselines the set baselines are drawn from, uniformly
   * @param samples the number of samples per input
   * @param noise the noise's standard deviation as a fraction of the input's range
   * @param seed the sampling seed
   */
  public record Settings(List<Baseline> baselines, int samples, double noise, long seed) {
    public Settings {
      baselines = List.copyOf(baselines);
      if (baselines.isEmpty() || samples < 1 || !(noise >= 0) || Double.isInfinite(noise)) {
        throw new IllegalArgumentException("GradientSHAP needs a baseline, samples >= 1 and a finite noise >= 0, got "
            + baselines + ", " + samples + " and " + noise);
      }
    }
  }

  private final Settings settings;

  private GradientShap(Model model, Settings settings) {
    super(model);
    this.settings = settings;
  }

  /** GradientSHAP with {@code settings}. */
  public static GradientShap of(Model model, Settings settings) {
    return new GradientShap(model, settings);
  }

  @Override
  public String method() {
    return "gradientshap";
  }

  @Override
  Tensor attribution(Tensor input, Pass first, Progress progress) {
    float[] x = input.unsafeData();
    double sigma = settings.noise() * range(x);
    List<float[]> baselines = settings.baselines().stream().map(b -> b.of(model, input).unsafeData()).toList();
    Random random = new Random(settings.seed());
    double[] sum = null;
    long[] shape = null;
    for (int s = 0; s < settings.samples(); s++) {
      float[] b = baselines.get(random.nextInt(baselines.size()));
      float alpha = random.nextFloat();
      float[] difference = new float[x.length];
      float[] point = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        difference[i] = (float) (x[i] + sigma * random.nextGaussian() - b[i]);
        point[i] = b[i] + alpha * difference[i];
      }
      Tensor g = inputGradient(run(Tensor.of(point, input.shape()), first.labels()));
      Tensor a = times(g, Tensor.of(difference, input.shape()));
      if (sum == null) {
        sum = new double[a.size()];
        shape = a.shape();
      }
      float[] ad = a.unsafeData();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += ad[i];
      }
      progress.advance("gradientshap samples", s + 1, settings.samples());
    }
    float[] out = new float[sum.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (sum[i] / settings.samples());
    }
    return Tensor.of(out, shape);
  }
}
