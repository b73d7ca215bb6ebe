package dev.lumen.core.explain.perturb;

import dev.lumen.core.explain.BatchedScores;
import dev.lumen.core.explain.DistinctCopies;
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
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The common frame of methods that perturb the model input and map at its resolution
 * (occlusion, RISE): each image, or each slice of an exam, is one block of the input; the
 * method turns one block into one map per target; the frame scores, normalises, upsamples and
 * records provenance.
 */
abstract class InputMapExplainer implements Explainer {
  /** The key of the copies that equal the input. */
  private static final Object UNCHANGED = new Object();

  final Model model;
  final InputPlanes planes;

  InputMapExplainer(Model model) {
    this.model = model;
    this.planes = new InputPlanes(model.input());
  }

  /**
   * The maps of one block, {@code [targets][height * width]}, with what the method counted in
   * making them ({@link Explanation#details}, added up over an exam's blocks; empty for most).
   */
  record BlockMaps(float[][] maps, java.util.Map<String, Integer> counts) {
    /** Maps without counts. */
    static BlockMaps of(float[][] maps) {
      return new BlockMaps(maps, java.util.Map.of());
    }
  }

  /** Maps of the block of {@code input} at {@code offset}. {@code base} holds the unperturbed input's scores. */
  abstract BlockMaps blockMaps(Tensor input, int offset, Tensor base, List<LabelScore> targets, Progress progress);

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
      out.add(explainInput(image.source(), input, 1, targets, model.preprocessor().geometry(image), progress));
    }
    return out;
  }

  /**
   * A 3D convolutional model's maps of its one input {@code [1, C, D, H, W]}: per target
   * {@code D * H * W} values; null when the method does not explain such models.
   */
  float[][] volumetricMaps(Tensor input, Tensor base, List<LabelScore> targets, Progress progress) {
    return null;
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    model.requireVolume(volume.source());
    Tensor input = model.preprocessor().toInput(volume.slices());
    Geometry geometry = model.preprocessor().geometry(volume.slices().get(0));
    if (model.input().volumetric()) {
      return explainVolumetric(volume, input, targets, geometry, progress);
    }
    return explainInput(volume.source(), input, volume.depth(), targets, geometry, progress);
  }

  private List<Explanation> explainVolumetric(Volume volume, Tensor input, Targets targets, Geometry geometry,
                                              Progress progress) {
    Tensor base = model.run(input, List.of()).get(model.scoresName());
    Prediction prediction = model.prediction(volume.source(), base, 0);
    List<LabelScore> chosen = targets.select(model, prediction);
    float[][] maps = volumetricMaps(input, base, chosen, progress);
    Volumetric.require(model, method(), maps != null);
    List<Tensor> raws = new ArrayList<>();
    for (float[] map : maps) {
      raws.add(Tensor.of(map, input.dim(2), input.dim(3), input.dim(4)));
    }
    return Explanations.ofVolumetric(model, method(), layer(), prediction, chosen, raws,
        java.util.Collections.nCopies(raws.size(), java.util.Optional.empty()), volume.depth(), geometry,
        Maps::minMax);
  }

  /**
   * The scores of copies {@code 0 .. count-1} made by {@code copy}, where the copies for which
   * {@code unchanged} holds equal the input itself (an occlusion window over pixels that already
   * hold the fill, say) and are scored once between them.
   */
  float[][] scores(int count, IntPredicate unchanged, BatchedScores.Copy copy, Tensor input, Progress progress) {
    DistinctCopies distinct = DistinctCopies.of(count, i -> unchanged.test(i) ? UNCHANGED : Integer.valueOf(i));
    return distinct.expand(scores(distinct.count(), (u, batch, at) -> copy.write(distinct.representatives()[u], batch,
        at), input, progress));
  }

  /**
   * Scores of {@code count} perturbed copies of {@code input}, made by {@code copy}: batched for
   * images, one run per copy for exams.
   */
  float[][] scores(int count, BatchedScores.Copy copy, Tensor input, Progress progress) {
    int batch = model.input().volume() ? 1 : model.options().batchSize();
    return BatchedScores.of(count, copy, input.shape(), batch, model.labels().size(),
        values -> model.run(values, List.of()).get(model.scoresName()), progress, method() + " perturbed inputs");
  }

  private List<Explanation> explainInput(String source, Tensor input, int blocks, Targets targets, Geometry geometry,
                                         Progress progress) {
    Tensor base = model.run(input, List.of()).get(model.scoresName());
    Prediction prediction = model.prediction(source, base, 0);
    List<LabelScore> chosen = targets.select(model, prediction);
    int plane = planes.height * planes.width;
    float[][] maps = new float[chosen.size()][blocks * plane];
    java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    for (int b = 0; b < blocks; b++) {
      BlockMaps block = blockMaps(input, b * planes.blockSize(), base, chosen, progress);
      for (int t = 0; t < chosen.size(); t++) {
        System.arraycopy(block.maps()[t], 0, maps[t], b * plane, plane);
      }
      block.counts().forEach((name, n) -> counts.merge(name, n, Integer::sum));
    }
    List<Tensor> raws = new ArrayList<>();
    for (float[] map : maps) {
      raws.add(Tensor.of(map, blocks, planes.height, planes.width));
    }
    return Explanations.of(model, method(), layer(), prediction, chosen, raws, geometry, Maps::minMax).stream()
        .map(e -> e.withDetails(new java.util.LinkedHashMap<String, Object>(counts))).toList();
  }
}
