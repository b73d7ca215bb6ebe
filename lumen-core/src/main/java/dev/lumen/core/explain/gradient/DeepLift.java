package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.autodiff.Propagation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * DeepLIFT with the rescale rule (Shrikumar, Greenside &amp; Kundaje, ICML 2017): every layer's
 * values are compared with those of a reference input, and the difference of the target's logit
 * is passed down as multipliers ({@code dy / dx} at nonlinearities, the exact gradient at linear
 * layers); {@code (x - x0) * m} attributes it to the input elements, and they add up to
 * {@code S(x) - S(x0)} (completeness). With several baselines it is DeepLIFT-SHAP (Lundberg &amp;
 * Lee 2017): the mean of the attributions against each, which add up to {@code S(x)} less the
 * mean of the baselines' scores.
 *
 * <p>Cost: two forward passes (the input's and the baseline's) and one backward pass per batch
 * and baseline, for every target together; the reference pass is compiled into the same graph.
 */
public final class DeepLift extends InputAttribution {

  /** @param baselines the references: one for DeepLIFT, several (each once) for DeepLIFT-SHAP */
  public record Settings(List<Baseline> baselines) {
    public Settings {
      baselines = List.copyOf(baselines);
      if (baselines.isEmpty() || baselines.stream().distinct().count() != baselines.size()) {
        throw new IllegalArgumentException("DeepLIFT needs at least one baseline, each once, got " + baselines);
      }
    }

    /** DeepLIFT from the all-zero input, Captum's default. */
    public static Settings deepLift() {
      return new Settings(List.of(Baseline.ZERO));
    }

    /** DeepLIFT-SHAP over every baseline Lumen makes. */
    public static Settings deepLiftShap() {
      return new Settings(List.of(Baseline.values()));
    }
  }

  private final Settings settings;
  private final boolean shap;

  private DeepLift(Model model, Settings settings, boolean shap) {
    super(model);
    this.settings = settings;
    this.shap = shap;
  }

  /** DeepLIFT against {@code baseline}. */
  public static DeepLift of(Model model, Baseline baseline) {
    return new DeepLift(model, new Settings(List.of(baseline)), false);
  }

  /** DeepLIFT-SHAP over {@code settings}' baselines. */
  public static DeepLift shap(Model model, Settings settings) {
    return new DeepLift(model, settings, true);
  }

  @Override
  public String method() {
    return shap ? "deepliftshap" : "deeplift";
  }

  @Override
  Propagation propagation() {
    return Propagation.DEEPLIFT_RESCALE;
  }

  /** The first pass runs against the first baseline. */
  @Override
  Map<String, Tensor> references(Tensor input) {
    return reference(input, settings.baselines().get(0));
  }

  private Map<String, Tensor> reference(Tensor input, Baseline baseline) {
    return Map.of(Autodiff.referenceOf(model.input().name()), baseline.of(model, input));
  }

  @Override
  Tensor attribution(Tensor input, Pass first, Progress progress) {
    List<Baseline> baselines = settings.baselines();
    float[] sum = null;
    long[] shape = null;
    for (int i = 0; i < baselines.size(); i++) {
      Map<String, Tensor> reference = reference(input, baselines.get(i));
      Tensor multipliers = inputGradient(i == 0 ? first.outputs() : run(input, first.labels(), reference));
      float[] x = input.unsafeData();
      float[] x0 = reference.values().iterator().next().unsafeData();
      float[] difference = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        difference[j] = x[j] - x0[j];
      }
      Tensor a = times(multipliers, Tensor.of(difference, input.shape()));
      if (sum == null) {
        sum = new float[a.size()];
        shape = a.shape();
      }
      float[] ad = a.unsafeData();
      for (int j = 0; j < sum.length; j++) {
        sum[j] += ad[j] / baselines.size();
      }
      progress.advance(method() + " baselines", i + 1, baselines.size());
    }
    return Tensor.of(sum, shape);
  }
}
