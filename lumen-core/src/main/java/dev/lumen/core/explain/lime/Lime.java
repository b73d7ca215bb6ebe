package dev.lumen.core.explain.lime;

import dev.lumen.core.explain.BatchedScores;
import dev.lumen.core.explain.DistinctCopies;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Explanations;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.Volumetric;
import dev.lumen.core.explain.perturb.GaussianBlur;
import dev.lumen.core.explain.perturb.InputPlanes;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.BitSet;
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
 * <p>Exams of volume models are explained as one image whose superpixels are those of every
 * slice. Grey studies need no conversion: segmentation works on any number of channels.
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
  private final InputPlanes planes;

  private Lime(Model model, Settings settings) {
    this.model = model;
    this.settings = settings;
    this.planes = new InputPlanes(model.input());
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
    Volumetric.require(model, method(), false);
    return explainDetailed(volume, targets, progress).stream().map(LimeResult::explanation).toList();
  }

  /** LIME of every image with the surrogates' weights, fit and superpixels. */
  public List<List<LimeResult>> explainDetailed(List<Image> images, Targets targets, Progress progress) {
    model.requireImages();
    List<List<LimeResult>> out = new ArrayList<>();
    for (Image image : images) {
      Tensor input = model.preprocessor().toInput(List.of(image));
      out.add(explainInput(image.source(), input, 1, targets, model.preprocessor().geometry(image), progress));
    }
    return out;
  }

  /** LIME of one exam with the surrogates' weights, fit and superpixels. */
  public List<LimeResult> explainDetailed(Volume volume, Targets targets, Progress progress) {
    model.requireVolume(volume.source());
    Tensor input = model.preprocessor().toInput(volume.slices());
    return explainInput(volume.source(), input, volume.depth(), targets,
        model.preprocessor().geometry(volume.slices().get(0)), progress);
  }

  private List<LimeResult> explainInput(String source, Tensor input, int blocks, Targets targets, Geometry geometry,
                                        Progress progress) {
    long start = System.nanoTime();
    float[] x = input.unsafeData();
    List<Segments> segments = new ArrayList<>();
    int[] offsets = new int[blocks];
    int features = 0;
    for (int b = 0; b < blocks; b++) {
      Segments s = settings.segmentation().segment(planesOf(x, b), planes.width, planes.height);
      segments.add(s);
      offsets[b] = features;
      features += s.count();
    }
    long segmented = System.nanoTime();
    float[] hidden = hidden(x, blocks, segments);
    Neighbourhood neighbourhood = Neighbourhood.sample(settings.samples(), features, settings.kernelWidth(),
        settings.seed());
    int batch = model.input().volume() ? 1 : model.options().batchSize();
    long[] inference = {0};
    // a row drawn twice (likely with few superpixels) is the same copy: scored once
    boolean[][] rows = neighbourhood.rows();
    DistinctCopies distinct = DistinctCopies.of(rows.length, s -> switches(rows[s]));
    float[][] scores = distinct.expand(BatchedScores.of(distinct.count(), (u, out, at) -> perturbed(x, hidden,
        rows[distinct.representatives()[u]], segments, offsets, out, at), input.shape(), batch, model.labels().size(),
        values -> {
          long before = System.nanoTime();
          Tensor out = model.run(values, List.of()).get(model.scoresName());
          inference[0] += System.nanoTime() - before;
          return out;
        }, progress, "lime samples"));
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
      out.add(surrogate(source, prediction, target, design, y, neighbourhood.weights(), segments, offsets, geometry));
    }
    long fitted = System.nanoTime();
    Phases phases = new Phases((segmented - start) / 1e6, (sampled - segmented - inference[0]) / 1e6,
        inference[0] / 1e6, (fitted - sampled) / 1e6);
    return out.stream().map(r -> r.withPhases(phases)).toList();
  }

  private LimeResult surrogate(String source, Prediction prediction, LabelScore target, double[][] design, double[] y,
                               double[] weights, List<Segments> segments, int[] offsets, Geometry geometry) {
    int[] used = settings.selection().select(design, y, weights, settings.features());
    double[][] columns = FeatureSelection.columns(design, used);
    WeightedRidge fit = WeightedRidge.fit(columns, y, weights, 1.0);
    double[] featureWeights = new double[design[0].length];
    for (int j = 0; j < used.length; j++) {
      featureWeights[used[j]] = fit.coefficients()[j];
    }
    int plane = planes.width * planes.height;
    float[] raw = new float[segments.size() * plane];
    for (int b = 0; b < segments.size(); b++) {
      for (int p = 0; p < plane; p++) {
        raw[b * plane + p] = (float) featureWeights[offsets[b] + segments.get(b).at(p)];
      }
    }
    Tensor map = Tensor.of(raw, segments.size(), planes.height, planes.width);
    Explanation explanation = Explanations.of(model, method(), layer(), prediction, List.of(target), List.of(map),
        geometry, Maps::positiveScale).get(0);
    return new LimeResult(explanation, segments, featureWeights, fit.intercept(), fit.r2(columns, y, weights),
        fit.predict(columns[0]), target.probability(), null);
  }

  /** Block {@code b}'s channels as planes. */
  private float[][] planesOf(float[] x, int b) {
    int offset = b * planes.blockSize();
    int plane = planes.width * planes.height;
    float[][] out = new float[planes.channels][plane];
    for (int c = 0; c < planes.channels; c++) {
      for (int p = 0; p < plane; p++) {
        out[c][p] = x[offset + planes.index(c, p)];
      }
    }
    return out;
  }

  /** The value every input element takes when its superpixel is switched off. */
  private float[] hidden(float[] x, int blocks, List<Segments> segments) {
    float[] out = new float[x.length];
    int plane = planes.width * planes.height;
    for (int b = 0; b < blocks; b++) {
      int offset = b * planes.blockSize();
      Segments s = segments.get(b);
      float[][] channels = planesOf(x, b);
      for (int c = 0; c < planes.channels; c++) {
        float[] fill = switch (settings.hide()) {
          case ZERO -> new float[plane];
          case BLUR -> GaussianBlur.apply(channels[c], planes.width, planes.height,
              0.05 * Math.min(planes.width, planes.height));
          case MEAN -> segmentMeans(channels[c], s);
        };
        for (int p = 0; p < plane; p++) {
          out[offset + planes.index(c, p)] = fill[p];
        }
      }
    }
    return out;
  }

  /** Every pixel's value replaced by its superpixel's mean. */
  private static float[] segmentMeans(float[] channel, Segments s) {
    double[] sum = new double[s.count()];
    int[] count = new int[s.count()];
    for (int p = 0; p < channel.length; p++) {
      sum[s.at(p)] += channel[p];
      count[s.at(p)]++;
    }
    float[] out = new float[channel.length];
    for (int p = 0; p < channel.length; p++) {
      out[p] = (float) (sum[s.at(p)] / count[s.at(p)]);
    }
    return out;
  }

  /**
   * The input with the superpixels switched off in {@code row} replaced by their hidden values,
   * written into {@code out} at {@code at}.
   */
  private void perturbed(float[] x, float[] hidden, boolean[] row, List<Segments> segments, int[] offsets, float[] out,
                         int at) {
    System.arraycopy(x, 0, out, at, x.length);
    int plane = planes.width * planes.height;
    for (int b = 0; b < segments.size(); b++) {
      int offset = b * planes.blockSize();
      Segments s = segments.get(b);
      for (int p = 0; p < plane; p++) {
        if (!row[offsets[b] + s.at(p)]) {
          for (int c = 0; c < planes.channels; c++) {
            int i = offset + planes.index(c, p);
            out[at + i] = hidden[i];
          }
        }
      }
    }
  }

  /** A row's switches as a set of the superpixels kept. */
  private static BitSet switches(boolean[] row) {
    BitSet out = new BitSet(row.length);
    for (int i = 0; i < row.length; i++) {
      out.set(i, row[i]);
    }
    return out;
  }
}
