package dev.lumen.core.explain.shapley;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.lime.Coalitions;
import dev.lumen.core.explain.lime.Hide;
import dev.lumen.core.explain.lime.Segmentation;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The frame of methods that attribute a target's probability to superpixels by scoring
 * coalitions of them ({@link Coalitions}, Captum's feature-mask methods): the input's
 * superpixels are the features, a hidden superpixel shows LIME's {@link Hide} values, every
 * target is read from the same scored coalitions, and every pixel's raw value is its
 * superpixel's attribution. Images, exams (superpixels of every slice) and 3D volumes (of every
 * depth slice) alike.
 */
abstract class SuperpixelAttribution implements Explainer {
  final Model model;
  private final Segmentation segmentation;
  private final Hide hide;

  SuperpixelAttribution(Model model, Segmentation segmentation, Hide hide) {
    this.model = model;
    this.segmentation = segmentation;
    this.hide = hide;
  }

  /**
   * Each target's attribution of every superpixel.
   *
   * @param values {@code [targets][features]}
   * @param details what the method reports of how it got them ({@link Explanation#details})
   */
  record Attributions(double[][] values, java.util.Map<String, Object> details) {
    /** Attributions without details. */
    static Attributions of(double[][] values) {
      return new Attributions(values, java.util.Map.of());
    }
  }

  /** Each target's attribution of every superpixel. {@code full} is the score row of the whole input. */
  abstract Attributions attributions(Coalitions game, float[] full, List<LabelScore> targets, Progress progress);

  @Override
  public String layer() {
    return model.input().name();
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress) {
    model.requireImages();
    List<List<Explanation>> out = new ArrayList<>();
    for (Image image : images) {
      Tensor input = model.preprocessor().toInput(List.of(image));
      out.add(explainInput(image.source(), input, 0, targets, model.preprocessor().geometry(image), progress));
    }
    return out;
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    model.requireVolume(volume.source());
    Tensor input = model.preprocessor().toInput(volume.slices());
    return explainInput(volume.source(), input, model.input().volumetric() ? volume.depth() : 0, targets,
        model.preprocessor().geometry(volume.slices().get(0)), progress);
  }

  private List<Explanation> explainInput(String source, Tensor input, int volumetricSlices, Targets targets,
                                         Geometry geometry, Progress progress) {
    Coalitions game = Coalitions.of(model, input, segmentation, hide);
    boolean[] all = new boolean[game.features()];
    Arrays.fill(all, true);
    float[] full = game.scores(new boolean[][] {all}, Progress.none(), method())[0];
    Prediction prediction = model.prediction(source, Tensor.of(full, 1, full.length), 0);
    List<LabelScore> chosen = targets.select(model, prediction);
    Attributions values = attributions(game, full, chosen, progress);
    List<Tensor> raws = Arrays.stream(values.values()).map(game::map).toList();
    return game.explanations(method(), layer(), prediction, chosen, raws, geometry, volumetricSlices).stream()
        .map(e -> e.withDetails(values.details())).toList();
  }

  /** The probability of {@code target} in each score row. */
  final double[] probabilities(float[][] rows, LabelScore target) {
    double[] out = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = model.prediction("coalition", Tensor.of(rows[i], 1, rows[i].length), 0).score(target.index())
          .probability();
    }
    return out;
  }

  /** A coalition of {@code features} with every superpixel {@code kept}, or none. */
  static boolean[] coalition(int features, boolean kept) {
    boolean[] row = new boolean[features];
    Arrays.fill(row, kept);
    return row;
  }

  /** A uniformly random order of {@code 0 .. m-1} (Fisher–Yates). */
  static int[] shuffled(int m, Random random) {
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    for (int i = m - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }
}
