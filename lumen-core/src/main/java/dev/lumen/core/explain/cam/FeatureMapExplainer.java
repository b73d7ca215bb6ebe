package dev.lumen.core.explain.cam;

import dev.lumen.core.LumenException;
import dev.lumen.core.explain.BatchedScores;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Explanations;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.Volumetric;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.DepthAxis;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The common frame of methods that explain from one layer's feature maps (CAM, Ablation-CAM,
 * CRM): one forward pass per batch returns the scores and the layer; the method turns one item's
 * features into one raw map per target; the frame adds normalisation, upsampling and provenance.
 *
 * <p>An item is one image ({@code [1, K, h, w]}) or one exam of a volume model
 * ({@code [slices, K, h, w]}); NHWC layers are {@code [.., h, w, K]}.
 */
abstract class FeatureMapExplainer implements Explainer {
  final Model model;
  final String layer;
  final Layout layout;

  FeatureMapExplainer(Model model, String layer, Layout layout) {
    this.model = model;
    this.layer = layer;
    this.layout = layout;
  }

  /**
   * One raw map per target, each {@code [slices, h, w]}, from one item's features, its scores
   * ({@code [1, classes]}) and its model input (for methods that mask the input).
   */
  abstract List<Tensor> rawMaps(Tensor features, Tensor scores, Tensor input, List<LabelScore> targets,
                                Progress progress);

  @Override
  public String layer() {
    return layer;
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress) {
    model.requireImages();
    List<List<Explanation>> out = new ArrayList<>();
    for (List<Image> batch : model.batches(images)) {
      Tensor input = model.preprocessor().toInput(batch);
      Map<String, Tensor> run = model.run(input, List.of(layer));
      Tensor features = run.get(layer);
      Tensor scores = run.get(model.scoresName());
      for (int i = 0; i < batch.size(); i++) {
        Image image = batch.get(i);
        Tensor item = Tensor.stack(List.of(features.slice(i)));
        Tensor itemScores = Tensor.stack(List.of(scores.slice(i)));
        Tensor itemInput = Tensor.stack(List.of(input.slice(i)));
        out.add(explanations(image.source(), item, itemScores, itemInput, targets, model.preprocessor().geometry(image),
            progress));
      }
      progress.advance("images", out.size(), images.size());
    }
    return out;
  }

  /** Whether the method explains 3D convolutional models (CAM does: its weights are the head's, for every depth). */
  boolean explainsVolumetric() {
    return false;
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    model.requireVolume(volume.source());
    Tensor input = model.preprocessor().toInput(volume.slices());
    if (model.input().volumetric()) {
      return explainVolumetric(volume, input, targets, progress);
    }
    Map<String, Tensor> run = model.run(input, List.of(layer));
    Tensor features = run.get(layer);
    if (features.rank() != 4 || features.dim(0) != volume.depth()) {
      throw new LumenException(model.name() + ": layer " + layer + " has shape " + features
          + ", not one feature map per slice of an exam of " + volume.depth());
    }
    return explanations(volume.source(), features, run.get(model.scoresName()), input, targets,
        model.preprocessor().geometry(volume.slices().get(0)), progress);
  }

  /** A 3D model's exam: the layer's {@code [1, K, d, h, w]} read depth first, one raw map {@code [d, h, w]} per target. */
  private List<Explanation> explainVolumetric(Volume volume, Tensor input, Targets targets, Progress progress) {
    Volumetric.require(model, method(), explainsVolumetric());
    Map<String, Tensor> run = model.run(input, List.of(layer));
    Tensor features = run.get(layer);
    if (features.rank() != 5 || features.dim(0) != 1 || layout != Layout.NCHW) {
      throw new LumenException(model.name() + ": layer " + layer + " has shape " + features + ", not a 3D feature map "
          + "[1, K, d, h, w]");
    }
    Tensor scores = run.get(model.scoresName());
    Prediction prediction = model.prediction(volume.source(), scores, 0);
    List<LabelScore> chosen = targets.select(model, prediction);
    List<Tensor> raws = rawMaps(DepthAxis.first(features), scores, input, chosen, progress);
    return Explanations.ofVolumetric(model, method(), layer, prediction, chosen, raws,
        java.util.Collections.nCopies(raws.size(), java.util.Optional.empty()), volume.depth(),
        model.preprocessor().geometry(volume.slices().get(0)), Maps::minMax);
  }

  private List<Explanation> explanations(String source, Tensor features, Tensor scores, Tensor input,
                                         Targets targets, Geometry geometry, Progress progress) {
    if (features.rank() != 4) {
      throw new LumenException(model.name() + ": layer " + layer + " is not a feature map (shape " + features + ")");
    }
    Prediction prediction = model.prediction(source, scores, 0);
    List<LabelScore> chosen = targets.select(model, prediction);
    return Explanations.of(model, method(), layer, prediction, chosen, rawMaps(features, scores, input, chosen, progress),
        geometry, Maps::minMax);
  }

  /** Channels of the features. */
  int channels(Tensor features) {
    return layout == Layout.NHWC ? features.dim(3) : features.dim(1);
  }

  /** Height of the features. */
  int height(Tensor features) {
    return layout == Layout.NHWC ? features.dim(1) : features.dim(2);
  }

  /** Width of the features. */
  int width(Tensor features) {
    return layout == Layout.NHWC ? features.dim(2) : features.dim(3);
  }

  /** Flat index of (slice, channel, y, x). */
  int index(Tensor features, int s, int k, int y, int x) {
    int kk = channels(features);
    int h = height(features);
    int w = width(features);
    return layout == Layout.NHWC ? ((s * h + y) * w + x) * kk + k : ((s * kk + k) * h + y) * w + x;
  }

  /** {@code sum_k weights[k] F_k} per slice: {@code [slices, h, w]}. */
  Tensor weightedSum(Tensor features, float[] weights) {
    int slices = features.dim(0);
    int h = height(features);
    int w = width(features);
    float[] data = features.unsafeData();
    float[] map = new float[slices * h * w];
    for (int s = 0; s < slices; s++) {
      for (int k = 0; k < weights.length; k++) {
        float wk = weights[k];
        for (int p = 0; p < h * w; p++) {
          map[s * h * w + p] += wk * data[index(features, s, k, p / w, p % w)];
        }
      }
    }
    return Tensor.of(map, slices, h, w);
  }

  /**
   * The scores of modified copies of one item's features, run through the part of the model
   * above the layer only: batched for images, one run per copy for exams.
   */
  float[][] scoresAbove(int count, BatchedScores.Copy copy, Tensor features, Progress progress) {
    int batch = model.input().volume() ? 1 : model.options().batchSize();
    // a 3D model's copies are made depth first and run in the layer's own [1, K, d, h, w]
    boolean volumetric = model.input().volumetric();
    return BatchedScores.of(count, copy, features.shape(), batch, model.labels().size(),
        values -> model.runAbove(layer, volumetric ? DepthAxis.second(values) : values), progress,
        method() + " head runs");
  }

}
