package dev.lumen.core.explain.lime;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * LIME for images (Ribeiro, Singh &amp; Guestrin, KDD 2016), as the reference {@code lime}
 * library's {@code LimeImageExplainer} defines it: the image (as the model sees it) is cut into
 * superpixels ({@link Segmentation}); {@code samples} copies switch random superpixels off
 * ({@link Hide}); the model scores them in batches; each copy is weighted by the exponential
 * kernel of its cosine distance to the image ({@link Neighbourhood}); a weighted ridge regression
 * with intercept ({@link WeightedRidge}, alpha 1) on the chosen superpixels
 * ({@link FeatureSelection}) predicts the target's probability from the switches. A superpixel's
 * weight is its coefficient; the raw map gives every pixel its superpixel's weight.
 *
 * <p>Exams of volume models, and volumes of 3D convolutional models, are explained as one image
 * whose superpixels are those of every slice ({@link Coalitions}). Grey studies need no conversion: segmentation works on any number of channels.
 * Deterministic given the seed. Cost: one forward pass per distinct sample (a row drawn twice,
 * likely with few superpixels, is scored once), batched, shared by all targets; one surrogate fit
 * per target. With a tolerance ({@link Settings#tolerance}) the samples are the first of the same
 * seeded neighbourhood, as many as the weights needed to settle.
 */
public final class Lime implements Explainer {

  /**
   * @param segmentation how superpixels are found
   * @param hide what a switched-off superpixel shows
   * @param samples the number of perturbed copies, the image itself first
   * @param kernelWidth the kernel width (0.25 in the reference library)
   * @param selection which superpixels the surrogate uses
   * @param features at most this many superpixels in the surrogate
   * @param seed the sampling seed
   * @param tolerance 0 to fit on every sample; else an early stop: the samples are scored
   *     {@value EarlyStop#CHECK_EVERY} at a time, the surrogates refitted after each, and scoring stops
   *     when no target's weights moved by more than this fraction (relative L2) since the last fit
   *     ({@link EarlyStop})
   */
  public record Settings(Segmentation segmentation, Hide hide, int samples, double kernelWidth,
                         FeatureSelection selection, int features, long seed, double tolerance) {
    public Settings {
      if (samples < 2 || !(kernelWidth > 0) || features < 1) {
        throw new IllegalArgumentException("LIME needs samples >= 2, a positive kernel width and features >= 1, got "
            + samples + ", " + kernelWidth + " and " + features);
      }
      EarlyStop.requireTolerance("LIME", tolerance);
    }

    /** Every sample scored (no early stop). */
    public Settings(Segmentation segmentation, Hide hide, int samples, double kernelWidth, FeatureSelection selection,
                    int features, long seed) {
      this(segmentation, hide, samples, kernelWidth, selection, features, seed, 0);
    }

    /** The reference library's defaults (1000 samples, width 0.25, mean hiding, all features) with SLIC. */
    public static Settings defaults() {
      return new Settings(Segmentation.defaults(), Hide.MEAN, 1000, 0.25, FeatureSelection.AUTO,
          Integer.MAX_VALUE, 0);
    }
  }

  private final Model model;
  private final Settings settings;

  private Lime(Model model, Settings settings) {
    this.model = model;
    this.settings = settings;
  }

  /** LIME with {@code settings}. */
  public static Lime of(Model model, Settings settings) {
    return new Lime(model, settings);
  }

  @Override
  public String method() {
    return "lime";
  }

  @Override
  public String layer() {
    return model.input().name();
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress) {
    return explainDetailed(images, targets, progress).stream()
        .map(results -> results.stream().map(LimeResult::explanation).toList()).toList();
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    return explainDetailed(volume, targets, progress).stream().map(LimeResult::explanation).toList();
  }

  /** LIME of every image with the surrogates' weights, fit and superpixels. */
  public List<List<LimeResult>> explainDetailed(List<Image> images, Targets targets, Progress progress) {
    model.requireImages();
    List<List<LimeResult>> out = new ArrayList<>();
    for (Image image : images) {
      Tensor input = model.preprocessor().toInput(List.of(image));
      out.add(explainInput(image.source(), input, 0, targets, model.preprocessor().geometry(image), progress));
    }
    return out;
  }

  /** LIME of one exam or volume with the surrogates' weights, fit and superpixels. */
  public List<LimeResult> explainDetailed(Volume volume, Targets targets, Progress progress) {
    model.requireVolume(volume.source());
    Tensor input = model.preprocessor().toInput(volume.slices());
    return explainInput(volume.source(), input, model.input().volumetric() ? volume.depth() : 0, targets,
        model.preprocessor().geometry(volume.slices().get(0)), progress);
  }

  /** {@code volumetricSlices}: a 3D model's exam's slice count, else 0. */
  private List<LimeResult> explainInput(String source, Tensor input, int volumetricSlices, Targets targets,
                                        Geometry geometry, Progress progress) {
    long start = System.nanoTime();
    Coalitions game = Coalitions.of(model, input, settings.segmentation(), settings.hide());
    long segmented = System.nanoTime();
    int features = game.features();
    Neighbourhood neighbourhood = Neighbourhood.sample(settings.samples(), features, settings.kernelWidth(),
        settings.seed());
    List<LimeResult> out = null;
    long sampling = 0;
    long fitting = 0;
    // with a tolerance, samples are scored CHECK_EVERY at a time until two fits' weights agree
    int step = settings.tolerance() > 0 ? EarlyStop.CHECK_EVERY : settings.samples();
    for (int n = Math.min(step, settings.samples()); ; n = Math.min(n + step, settings.samples())) {
      long before = System.nanoTime();
      boolean[][] rows = java.util.Arrays.copyOf(neighbourhood.rows(), n);
      List<Prediction> predictions = new ArrayList<>();
      for (float[] row : game.scores(rows, progress, "lime samples")) {
        predictions.add(model.prediction(source, Tensor.of(row, 1, row.length), 0));
      }
      long scored = System.nanoTime();
      List<LimeResult> fits = surrogates(predictions, rows, java.util.Arrays.copyOf(neighbourhood.weights(), n),
          targets, game, geometry, volumetricSlices);
      fitting += System.nanoTime() - scored;
      sampling += scored - before;
      boolean settled = out != null && EarlyStop.change(weights(out), weights(fits)) < settings.tolerance();
      out = fits;
      if (settled || n == settings.samples()) {
        break;
      }
    }
    double inference = game.inferenceMillis();
    Phases phases = new Phases((segmented - start) / 1e6, sampling / 1e6 - inference, inference, fitting / 1e6);
    return out.stream().map(r -> r.withPhases(phases)).toList();
  }

  /** The surrogate of every target on the scored samples {@code rows}, of kernel {@code weights}. */
  private List<LimeResult> surrogates(List<Prediction> predictions, boolean[][] rows, double[] weights,
                                      Targets targets, Coalitions game, Geometry geometry, int volumetricSlices) {
    Prediction prediction = predictions.get(0);
    List<LabelScore> chosen = targets.select(model, prediction);
    double[][] design = new double[rows.length][game.features()];
    for (int s = 0; s < rows.length; s++) {
      for (int f = 0; f < design[s].length; f++) {
        design[s][f] = rows[s][f] ? 1 : 0;
      }
    }
    List<LimeResult> out = new ArrayList<>();
    for (LabelScore target : chosen) {
      double[] y = new double[rows.length];
      for (int s = 0; s < y.length; s++) {
        y[s] = predictions.get(s).score(target.index()).probability();
      }
      out.add(surrogate(prediction, target, design, y, weights, game, geometry, volumetricSlices));
    }
    return out;
  }

  private static double[][] weights(List<LimeResult> fits) {
    return fits.stream().map(LimeResult::weights).toArray(double[][]::new);
  }

  private LimeResult surrogate(Prediction prediction, LabelScore target, double[][] design, double[] y,
                               double[] weights, Coalitions game, Geometry geometry, int volumetricSlices) {
    int[] used = settings.selection().select(design, y, weights, settings.features());
    double[][] columns = FeatureSelection.columns(design, used);
    WeightedRidge fit = WeightedRidge.fit(columns, y, weights, 1.0);
    double[] featureWeights = new double[design[0].length];
    for (int j = 0; j < used.length; j++) {
      featureWeights[used[j]] = fit.coefficients()[j];
    }
    Explanation explanation = game.explanations(method(), layer(), prediction, List.of(target),
        List.of(game.map(featureWeights)), geometry, volumetricSlices).get(0);
    return new LimeResult(explanation, game.segments(), featureWeights, fit.intercept(), fit.r2(columns, y, weights),
        fit.predict(columns[0]), target.probability(), y.length, null);
  }
}
