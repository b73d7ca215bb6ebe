package dev.lumen.app.cli;

import dev.lumen.app.service.MethodSettings;
import dev.lumen.app.service.Methods;
import picocli.CommandLine.Option;

/**
 * The settings of the methods that have some, shared by every command that explains ({@code
 * explain}, {@code evaluate}, {@code evaluate-mrnet}), so that maps are scored with the settings
 * they are drawn with.
 */
final class MethodSettingsOptions {
  private static final MethodSettings DEFAULTS = MethodSettings.defaults();

  @Option(names = "--window", description = "occlusion: window side in model input pixels (default: ${DEFAULT-VALUE}).")
  int window = DEFAULTS.window();

  @Option(names = "--stride", description = "occlusion: step between windows (default: ${DEFAULT-VALUE}).")
  int stride = DEFAULTS.stride();

  @Option(names = "--fill", description = "occlusion: zero, mean or blur (default: ${DEFAULT-VALUE}).")
  String fill = DEFAULTS.fill();

  @Option(names = "--refine", description = "occlusion: coarse to fine, scoring the full grid only around the "
      + "windows of twice the side whose drop reached this share of the largest; 0 scores every window "
      + "(default: ${DEFAULT-VALUE}).")
  double refine = DEFAULTS.refine();

  @Option(names = "--masks", description = "rise: number of random masks (default: ${DEFAULT-VALUE}).")
  int masks = DEFAULTS.masks();

  @Option(names = "--grid", description = "rise: mask grid cells per side (default: ${DEFAULT-VALUE}).")
  int grid = DEFAULTS.grid();

  @Option(names = "--keep", description = "rise: probability a grid cell is kept (default: ${DEFAULT-VALUE}).")
  double keep = DEFAULTS.keep();

  @Option(names = "--steps", description = "integratedgradients: points on the path (default: ${DEFAULT-VALUE}).")
  int steps = DEFAULTS.steps();

  @Option(names = "--rule", description = "integratedgradients: gauss-legendre or riemann-trapezoid (default: ${DEFAULT-VALUE}).")
  String rule = DEFAULTS.rule();

  @Option(names = "--baseline", description = "integratedgradients, deeplift: zero (the all-zero model input), black or blur (default: ${DEFAULT-VALUE}).")
  String baseline = DEFAULTS.baseline();

  @Option(names = "--points-per-run", description = "integratedgradients: path points stacked into one run (default: ${DEFAULT-VALUE}).")
  int pointsPerRun = DEFAULTS.pointsPerRun();

  @Option(names = "--samples", description = "smoothgrad, smoothgrad2, vargrad: noisy copies; gradientshap: samples (default: ${DEFAULT-VALUE}).")
  int samples = DEFAULTS.samples();

  @Option(names = "--noise", description = "smoothgrad, smoothgrad2, vargrad, gradientshap: noise level as a fraction of the input range (default: ${DEFAULT-VALUE}).")
  double noise = DEFAULTS.noise();

  @Option(names = "--lime-samples", description = "lime, kernelshap: perturbed copies (default: ${DEFAULT-VALUE}).")
  int limeSamples = DEFAULTS.limeSamples();

  @Option(names = "--segmentation", description = "lime and the superpixel methods: slic, felzenszwalb or meanshift (default: ${DEFAULT-VALUE}).")
  String segmentation = DEFAULTS.segmentation();

  @Option(names = "--segments", description = "slic: about this many superpixels (default: ${DEFAULT-VALUE}).")
  int segments = DEFAULTS.segments();

  @Option(names = "--hide", description = "lime and the superpixel methods: what hidden superpixels show: mean, zero or blur (default: ${DEFAULT-VALUE}).")
  String hide = DEFAULTS.hide();

  @Option(names = "--kernel-width", description = "lime: width of the exponential kernel on cosine distance (default: ${DEFAULT-VALUE}).")
  double kernelWidth = DEFAULTS.kernelWidth();

  @Option(names = "--selection", description = "lime: auto, highest-weights, forward-selection or none (default: ${DEFAULT-VALUE}).")
  String selection = DEFAULTS.selection();

  @Option(names = "--features", description = "lime: at most this many superpixels in the surrogate (default: all).")
  int features = DEFAULTS.features();

  @Option(names = "--lime-tolerance", description = "lime, kernelshap: stop scoring samples (checked every 100) once "
      + "no target's weights move by more than this fraction; 0 scores every sample (default: ${DEFAULT-VALUE}).")
  double limeTolerance = DEFAULTS.limeTolerance();

  @Option(names = "--lrp-epsilon", description = "lrp-*: the epsilon rule's epsilon (default: ${DEFAULT-VALUE}).")
  double lrpEpsilon = DEFAULTS.lrpEpsilon();

  @Option(names = "--lrp-gamma", description = "lrp-*: the gamma rule's gamma (default: ${DEFAULT-VALUE}).")
  double lrpGamma = DEFAULTS.lrpGamma();

  @Option(names = "--lrp-rule", paramLabel = "LAYER=RULE", description = "lrp-*: a rule in place of the composite's, "
      + "for conv, dense, first or a layer by name; rules: epsilon, zero, gamma, zplus, alpha1beta0, alpha2beta1, zbox, "
      + "wsquare, flat (repeatable).")
  java.util.Map<String, String> lrpRules = new java.util.LinkedHashMap<>();

  @Option(names = "--baselines", split = ",", description = "deepliftshap, gradientshap: the baselines, of zero, black "
      + "and blur (default: zero,black,blur).")
  java.util.List<String> baselines = DEFAULTS.baselines();

  @Option(names = "--permutations", description = "shapleysampling: random orders (default: ${DEFAULT-VALUE}).")
  int permutations = DEFAULTS.permutations();

  @Option(names = "--seed", description = "Seed of random methods (default: ${DEFAULT-VALUE}).")
  long seed = DEFAULTS.seed();

  /** The settings these options give. */
  Methods.Settings settings() {
    return values().resolve();
  }

  /** The settings as the options' plain values. */
  MethodSettings values() {
    return new MethodSettings(window, stride, fill, refine, masks, grid, keep, steps, rule, baseline, pointsPerRun,
        samples, noise, limeSamples, segmentation, segments, hide, kernelWidth, selection, features, limeTolerance,
        lrpEpsilon, lrpGamma, lrpRules, baselines, permutations, seed);
  }
}
