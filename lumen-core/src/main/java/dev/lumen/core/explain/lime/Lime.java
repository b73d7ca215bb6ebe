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
 * per target.
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
   */
  public record Settings(Segmentation segmentation, Hide hide, int samples, double kernelWidth,
                         FeatureSelection selection, int features, long seed) {
    public Settings {
      if (samples < 2 || !(kernelWidth > 0) || features < 1) {
        throw new IllegalArgumentException("LIME needs samples >= 2, a positive kernel width and features >= 1, got "
            + samples + ", " + kernelWidth + " and " + features);
      }
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
    float[][] scores = game.scores(neighbourhood.rows(), progress, "lime samples");
    long sampled = System.nanoTime();
    List<Prediction> predictions = new ArrayList<>();
    for (float[] row : scores) {
      predictions.add(model.prediction(source, Tensor.of(row, 1, row.length), 0));
    }
    Prediction prediction = predictions.get(0);
    List<LabelScore> chosen = targets.select(model, prediction);
    double[][] design = new double[settings.samples()][features];
    for (int s = 0; s < design.length; s++) {
      for (int f = 0; f < features; f++) {
        design[s][f] = neighbourhood.rows()[s][f] ? 1 : 0;
      }
    }
    List<LimeResult> out = new ArrayList<>();
    for (LabelScore target : chosen) {
      double[] y = new double[settings.samples()];
      for (int s = 0; s < y.length; s++) {
        y[s] = predictions.get(s).score(target.index()).probability();
      }
      out.add(surrogate(prediction, target, design, y, neighbourhood.weights(), game, geometry, volumetricSlices));
    }
    long fitted = System.nanoTime();
    double inference = game.inferenceMillis();
    Phases phases = new Phases((segmented - start) / 1e6, (sampled - segmented) / 1e6 - inference, inference,
        (fitted - sampled) / 1e6);
    return out.stream().map(r -> r.withPhases(phases)).toList();
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
        fit.predict(columns[0]), target.probability(), null);
  }
}
