package dev.lumen.app.service;

import dev.lumen.core.autodiff.Composite;
import dev.lumen.core.explain.gradient.Baseline;
import dev.lumen.core.explain.gradient.DeepLift;
import dev.lumen.core.explain.gradient.GradientShap;
import dev.lumen.core.explain.gradient.IntegratedGradients;
import dev.lumen.core.explain.gradient.Lrp;
import dev.lumen.core.explain.gradient.SmoothGrad;
import dev.lumen.core.explain.lime.FeatureSelection;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.explain.perturb.Fill;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import dev.lumen.core.explain.shapley.KernelShap;
import dev.lumen.core.explain.shapley.ShapleySampling;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of the methods that have some, as plain values with names for the choices: what
 * the command line's options and the server's JSON requests both give, resolved in one place.
 * The defaults are the published ones (see {@link #defaults()}).
 */
public record MethodSettings(int window, int stride, String fill, double refine, int masks, int grid, double keep,
                             int steps, String rule, String baseline, int pointsPerRun, int samples, double noise,
                             int limeSamples, String segmentation, int segments, String hide, double kernelWidth,
                             String selection, int features, double limeTolerance, double lrpEpsilon, double lrpGamma,
                             Map<String, String> lrpRules, List<String> baselines, int permutations, long seed) {
  public MethodSettings {
    lrpRules = lrpRules == null ? Map.of() : Map.copyOf(lrpRules);
    baselines = baselines == null ? List.of() : List.copyOf(baselines);
  }

  /**
   * Occlusion 16/8 zero on the full grid; RISE 4000 masks, grid 7, keep 0.5; IG 50 Gauss-Legendre points from
   * zero; SmoothGrad 25 at 15 %; LIME 1000 samples, SLIC 100, mean, 0.25, auto, no early stop; LRP zennit's
   * epsilon 1e-6 and gamma 0.25; DeepLIFT-SHAP and GradientSHAP over the zero, black and blurred
   * baselines; Shapley value sampling 25 permutations (Captum's).
   */
  public static MethodSettings defaults() {
    return new MethodSettings(16, 8, "zero", 0, 4000, 7, 0.5, 50, "gauss-legendre", "zero", 1, 25, 0.15, 1000, "slic",
        100, "mean", 0.25, "auto", Integer.MAX_VALUE, 0, Composite.EPSILON, Composite.GAMMA, Map.of(),
        List.of("zero", "black", "blur"), 25, 0);
  }

  /**
   * The method settings these values name.
   *
   * @throws IllegalArgumentException naming a value that is not one of the allowed names
   */
  public Methods.Settings resolve() {
    IntegratedGradients.Rule quadrature = switch (rule.toLowerCase(Locale.ROOT)) {
      case "gauss-legendre" -> IntegratedGradients.Rule.GAUSS_LEGENDRE;
      case "riemann-trapezoid" -> IntegratedGradients.Rule.RIEMANN_TRAPEZOID;
      default -> throw new IllegalArgumentException("unknown rule '" + rule + "': gauss-legendre or riemann-trapezoid");
    };
    Baseline start = Baseline.named(baseline);
    List<Baseline> set = baselines.stream().map(Baseline::named).toList();
    Lime.Settings lime = limeSettings();
    return new Methods.Settings(new Occlusion.Settings(window, stride, Fill.named(fill), refine),
        new Rise.Settings(masks, grid, keep, seed), new IntegratedGradients.Settings(steps, quadrature, start, pointsPerRun),
        new SmoothGrad.Settings(samples, noise, seed), lime,
        new Lrp.Settings((float) lrpEpsilon, (float) lrpGamma, lrpRules), new DeepLift.Settings(set),
        new GradientShap.Settings(set, samples, noise, seed),
        new KernelShap.Settings(lime.segmentation(), lime.hide(), limeSamples, seed, limeTolerance),
        new ShapleySampling.Settings(lime.segmentation(), lime.hide(), permutations, seed));
  }

  private Lime.Settings limeSettings() {
    Segmentation cut = switch (segmentation.toLowerCase(Locale.ROOT)) {
      case "slic" -> Segmentation.slic(segments);
      case "felzenszwalb" -> Segmentation.felzenszwalb(100f, 30);
      case "meanshift" -> Segmentation.meanShift(6, 15f, 30);
      default -> throw new IllegalArgumentException("unknown segmentation '" + segmentation
          + "': slic, felzenszwalb or meanshift");
    };
    Hide hidden = switch (hide.toLowerCase(Locale.ROOT)) {
      case "mean" -> Hide.MEAN;
      case "zero" -> Hide.ZERO;
      case "blur" -> Hide.BLUR;
      default -> throw new IllegalArgumentException("unknown hide '" + hide + "': mean, zero or blur");
    };
    FeatureSelection chosen = switch (selection.toLowerCase(Locale.ROOT)) {
      case "auto" -> FeatureSelection.AUTO;
      case "highest-weights" -> FeatureSelection.HIGHEST_WEIGHTS;
      case "forward-selection" -> FeatureSelection.FORWARD_SELECTION;
      case "none" -> FeatureSelection.NONE;
      default -> throw new IllegalArgumentException("unknown selection '" + selection
          + "': auto, highest-weights, forward-selection or none");
    };
    return new Lime.Settings(cut, hidden, limeSamples, kernelWidth, chosen, features, seed, limeTolerance);
  }
}
