package dev.lumen.app.cli;

import dev.lumen.core.explain.gradient.IntegratedGradients;
import dev.lumen.core.explain.gradient.SmoothGrad;
import dev.lumen.core.explain.lime.FeatureSelection;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Lime;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.explain.perturb.Fill;
import dev.lumen.core.explain.perturb.Occlusion;
import dev.lumen.core.explain.perturb.Rise;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The settings of the methods that have some, shared by every command that explains ({@code
 * explain}, {@code evaluate}, {@code evaluate-mrnet}), so that maps are scored with the settings
 * they are drawn with.
 */
final class MethodSettingsOptions {
  @Option(names = "--window", description = "occlusion: window side in model input pixels (default: ${DEFAULT-VALUE}).")
  int window = 16;

  @Option(names = "--stride", description = "occlusion: step between windows (default: ${DEFAULT-VALUE}).")
  int stride = 8;

  @Option(names = "--fill", description = "occlusion: zero, mean or blur (default: ${DEFAULT-VALUE}).")
  String fill = "zero";

  @Option(names = "--masks", description = "rise: number of random masks (default: ${DEFAULT-VALUE}).")
  int masks = 4000;

  @Option(names = "--grid", description = "rise: mask grid cells per side (default: ${DEFAULT-VALUE}).")
  int grid = 7;

  @Option(names = "--keep", description = "rise: probability a grid cell is kept (default: ${DEFAULT-VALUE}).")
  double keep = 0.5;

  @Option(names = "--steps", description = "integratedgradients: points on the path (default: ${DEFAULT-VALUE}).")
  int steps = 50;

  @Option(names = "--rule", description = "integratedgradients: gauss-legendre or riemann-trapezoid (default: ${DEFAULT-VALUE}).")
  String rule = "gauss-legendre";

  @Option(names = "--baseline", description = "integratedgradients: zero (the all-zero model input) or black (default: ${DEFAULT-VALUE}).")
  String baseline = "zero";

  @Option(names = "--points-per-run", description = "integratedgradients: path points stacked into one run (default: ${DEFAULT-VALUE}).")
  int pointsPerRun = 1;

  @Option(names = "--samples", description = "smoothgrad, smoothgrad2, vargrad: noisy copies (default: ${DEFAULT-VALUE}).")
  int samples = 25;

  @Option(names = "--noise", description = "smoothgrad, smoothgrad2, vargrad: noise level as a fraction of the input range (default: ${DEFAULT-VALUE}).")
  double noise = 0.15;

  @Option(names = "--lime-samples", description = "lime: perturbed copies (default: ${DEFAULT-VALUE}).")
  int limeSamples = 1000;

  @Option(names = "--segmentation", description = "lime: slic, felzenszwalb or meanshift (default: ${DEFAULT-VALUE}).")
  String segmentation = "slic";

  @Option(names = "--segments", description = "lime, slic: about this many superpixels (default: ${DEFAULT-VALUE}).")
  int segments = 100;

  @Option(names = "--hide", description = "lime: what hidden superpixels show: mean, zero or blur (default: ${DEFAULT-VALUE}).")
  String hide = "mean";

  @Option(names = "--kernel-width", description = "lime: width of the exponential kernel on cosine distance (default: ${DEFAULT-VALUE}).")
  double kernelWidth = 0.25;

  @Option(names = "--selection", description = "lime: auto, highest-weights, forward-selection or none (default: ${DEFAULT-VALUE}).")
  String selection = "auto";

  @Option(names = "--features", description = "lime: at most this many superpixels in the surrogate (default: all).")
  int features = Integer.MAX_VALUE;

  @Option(names = "--seed", description = "Seed of random methods (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  /** The settings these options give. */
  Methods.Settings settings() {
    IntegratedGradients.Rule quadrature = switch (rule.toLowerCase(Locale.ROOT)) {
      case "gauss-legendre" -> IntegratedGradients.Rule.GAUSS_LEGENDRE;
      case "riemann-trapezoid" -> IntegratedGradients.Rule.RIEMANN_TRAPEZOID;
      default -> throw new IllegalArgumentException("unknown --rule '" + rule + "': gauss-legendre or riemann-trapezoid");
    };
    IntegratedGradients.Baseline start = switch (baseline.toLowerCase(Locale.ROOT)) {
      case "zero" -> IntegratedGradients.Baseline.ZERO;
      case "black" -> IntegratedGradients.Baseline.BLACK;
      default -> throw new IllegalArgumentException("unknown --baseline '" + baseline + "': zero or black");
    };
    return new Methods.Settings(new Occlusion.Settings(window, stride, Fill.named(fill)),
        new Rise.Settings(masks, grid, keep, seed), new IntegratedGradients.Settings(steps, quadrature, start, pointsPerRun),
        new SmoothGrad.Settings(samples, noise, seed), limeSettings());
  }

  private Lime.Settings limeSettings() {
    Segmentation cut = switch (segmentation.toLowerCase(Locale.ROOT)) {
      case "slic" -> Segmentation.slic(segments);
      case "felzenszwalb" -> Segmentation.felzenszwalb(100f, 30);
      case "meanshift" -> Segmentation.meanShift(6, 15f, 30);
      default -> throw new IllegalArgumentException("unknown --segmentation '" + segmentation
          + "': slic, felzenszwalb or meanshift");
    };
    Hide hidden = switch (hide.toLowerCase(Locale.ROOT)) {
      case "mean" -> Hide.MEAN;
      case "zero" -> Hide.ZERO;
      case "blur" -> Hide.BLUR;
      default -> throw new IllegalArgumentException("unknown --hide '" + hide + "': mean, zero or blur");
    };
    FeatureSelection chosen = switch (selection.toLowerCase(Locale.ROOT)) {
      case "auto" -> FeatureSelection.AUTO;
      case "highest-weights" -> FeatureSelection.HIGHEST_WEIGHTS;
      case "forward-selection" -> FeatureSelection.FORWARD_SELECTION;
      case "none" -> FeatureSelection.NONE;
      default -> throw new IllegalArgumentException("unknown --selection '" + selection
          + "': auto, highest-weights, forward-selection or none");
    };
    return new Lime.Settings(cut, hidden, limeSamples, kernelWidth, chosen, features, seed);
  }
}
