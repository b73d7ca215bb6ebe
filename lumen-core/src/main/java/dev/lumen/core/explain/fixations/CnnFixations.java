package dev.lumen.core.explain.fixations;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Explanations;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.Volumetric;
import dev.lumen.core.explain.perturb.GaussianBlur;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CNN-Fixations (Mopuri, Garg &amp; Babu, "CNN Fixations: An unraveling approach to visualize the
 * discriminative image regions", IEEE TIP 2019): the target's output neuron is traced back,
 * layer by layer, to the input pixels that drove it ({@link Backtrack}), using the activations of
 * one forward pass and the weights — no gradient, no extra pass. The fixations far from the rest
 * are dropped (farther from their centroid than the mean distance plus {@code outlierDeviations}
 * standard deviations), and the heat map is the density of the kept points blurred with a
 * Gaussian of {@code blur} × the input's longer side. An exam of a plane model is traced through
 * its slices together and its outliers are taken slice by slice; a 3D CNN's volume is traced
 * through its 3D convolutions and pooling, and its fixations are points of the volume: outliers
 * by their distance in three dimensions, the density blurred along all three axes and resampled
 * to the exam as every 3D map is ({@link Volumetric}).
 *
 * <p>Cost: one forward pass exposing every tensor, and the trace (fast in practice: each
 * convolution step keeps one input unit per traced unit).
 */
public final class CnnFixations implements Explainer {

  /**
   * @param blur the Gaussian's sigma as a fraction of the input's longer side
   * @param outlierDeviations standard deviations beyond the mean distance to the centroid at
   *     which a fixation is an outlier
   */
  public record Settings(double blur, double outlierDeviations) {
    public Settings {
      if (blur <= 0 || outlierDeviations <= 0) {
        throw new IllegalArgumentException("CNN-Fixations needs a positive blur and outlier threshold");
      }
    }

    /** A blur of 3 % of the side and outliers beyond 2 standard deviations. */
    public static Settings defaults() {
      return new Settings(0.03, 2);
    }
  }

  private final Model model;
  private final Settings settings;

  private CnnFixations(Model model, Settings settings) {
    this.model = model;
    this.settings = settings;
  }

  /** CNN-Fixations with {@code settings}. */
  public static CnnFixations of(Model model, Settings settings) {
    return new CnnFixations(model, settings);
  }

  @Override
  public String method() {
    return "cnnfixations";
  }

  @Override
  public String layer() {
    return model.input().name();
  }

  @Override
  public List<List<Explanation>> explain(List<Image> images, Targets targets, Progress progress) {
    List<List<Explanation>> out = new ArrayList<>();
    for (List<FixationResult> results : explainDetailed(images, targets, progress)) {
      out.add(results.stream().map(FixationResult::explanation).toList());
    }
    return out;
  }

  @Override
  public List<Explanation> explain(Volume volume, Targets targets, Progress progress) {
    return explainDetailed(volume, targets).stream().map(FixationResult::explanation).toList();
  }

  /** The fixations of every image, with their heat maps. */
  public List<List<FixationResult>> explainDetailed(List<Image> images, Targets targets, Progress progress) {
    model.requireImages();
    List<List<FixationResult>> out = new ArrayList<>();
    for (Image image : images) {
      Tensor input = model.preprocessor().toInput(List.of(image));
      out.add(trace(image.source(), input, 1, targets, model.preprocessor().geometry(image)));
      progress.advance("images", out.size(), images.size());
    }
    return out;
  }

  /**
   * The fixations of one exam (traced through every slice together), with their heat maps; of a
   * 3D CNN's volume, as points of the model's input volume.
   */
  public List<FixationResult> explainDetailed(Volume volume, Targets targets) {
    model.requireVolume(volume.source());
    Tensor input = model.preprocessor().toInput(volume.slices());
    return trace(volume.source(), input, volume.depth(), targets, model.preprocessor().geometry(volume.slices().get(0)));
  }

  /**
   * The fixations of {@code input}, an image, an exam of {@code slices} slices or a 3D CNN's
   * volume (whose points have the input's depth).
   */
  private List<FixationResult> trace(String source, Tensor input, int slices, Targets targets, Geometry geometry) {
    boolean volumetric = model.input().volumetric();
    int depth = volumetric ? input.dim(2) : slices;
    List<String> tensors = model.graph().intermediateTensors();
    Map<String, Tensor> values = new HashMap<>(model.session("all-tensors",
        () -> model.graph().withExtraOutputs(tensors)).run(Map.of(model.input().name(), input), tensors));
    values.put(model.input().name(), input);
    Prediction prediction = model.prediction(source, values.get(model.scoresName()), 0);
    List<LabelScore> chosen = targets.select(model, prediction);
    List<FixationResult> out = new ArrayList<>();
    for (LabelScore target : chosen) {
      Set<Integer> units = new Backtrack(model.graph(), values).run(model.logitsName(), target.index(),
          model.input().name());
      List<int[]> points = points(units, depth);
      List<int[]> kept = new ArrayList<>();
      List<int[]> outliers = new ArrayList<>();
      if (volumetric) {
        split(points, true, kept, outliers);
      } else {
        for (int s = 0; s < slices; s++) {
          int slice = s;
          split(points.stream().filter(p -> p[0] == slice).toList(), false, kept, outliers);
        }
      }
      Tensor density = density(kept, depth, volumetric);
      Explanation e = (volumetric
          ? Explanations.ofVolumetric(model, method(), layer(), prediction, List.of(target), List.of(density),
              List.of(java.util.Optional.empty()), slices, geometry, Maps::minMax)
          : Explanations.of(model, method(), layer(), prediction, List.of(target), List.of(density), geometry,
              Maps::minMax)).get(0);
      out.add(new FixationResult(e, kept, outliers));
    }
    return out;
  }

  /**
   * Input units as distinct {slice, y, x} points (channels merged), of {@code depth} slices: the
   * images of a batch, an exam's slices, or the depth of a 3D CNN's input ({@code [N, C, D, H, W]}).
   */
  private List<int[]> points(Set<Integer> units, int depth) {
    int h = model.input().height();
    int w = model.input().width();
    int c = model.input().channels().count();
    boolean volumetric = model.input().volumetric();
    boolean nhwc = model.input().layout() == Layout.NHWC;
    java.util.Set<Long> seen = new java.util.HashSet<>();
    List<int[]> out = new ArrayList<>();
    for (int unit : units) {
      int slice;
      int pixel;
      if (volumetric) {
        slice = unit / (h * w) % depth;
        pixel = unit % (h * w);
        // channels come before depth: a unit past the first example's volume is another example's
        if (unit >= c * depth * h * w) {
          continue;
        }
      } else {
        slice = unit / (c * h * w);
        int within = unit % (c * h * w);
        pixel = nhwc ? within / c : within % (h * w);
      }
      int y = pixel / w;
      int x = pixel % w;
      if (slice < depth && seen.add(((long) slice * h + y) * w + x)) {
        out.add(new int[] {slice, y, x});
      }
    }
    return out;
  }

  /**
   * {@code points} farther from their centroid than mean + k·std of the distances are outliers;
   * the distance is in the slice's plane, or in three dimensions when {@code inDepth}.
   */
  private void split(List<int[]> points, boolean inDepth, List<int[]> kept, List<int[]> outliers) {
    if (points.size() < 5) {
      kept.addAll(points);
      return;
    }
    double cz = inDepth ? points.stream().mapToDouble(p -> p[0]).average().orElse(0) : 0;
    double cy = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
    double cx = points.stream().mapToDouble(p -> p[2]).average().orElse(0);
    double[] distance = points.stream().mapToDouble(p -> Math.sqrt((inDepth ? (p[0] - cz) * (p[0] - cz) : 0)
        + (p[1] - cy) * (p[1] - cy) + (p[2] - cx) * (p[2] - cx))).toArray();
    double mean = java.util.Arrays.stream(distance).average().orElse(0);
    double std = Math.sqrt(java.util.Arrays.stream(distance).map(d -> (d - mean) * (d - mean)).average().orElse(0));
    double limit = mean + settings.outlierDeviations() * std;
    for (int i = 0; i < points.size(); i++) {
      (distance[i] > limit ? outliers : kept).add(points.get(i));
    }
  }

  /**
   * The blurred density of the points, {@code [depth, H, W]}: slice by slice, or along all three
   * axes when {@code inDepth}.
   */
  private Tensor density(List<int[]> points, int depth, boolean inDepth) {
    int h = model.input().height();
    int w = model.input().width();
    float[] counts = new float[depth * h * w];
    for (int[] p : points) {
      counts[(p[0] * h + p[1]) * w + p[2]] += 1;
    }
    double sigma = settings.blur() * Math.max(h, w);
    float[] out = inDepth ? GaussianBlur.apply(counts, w, h, depth, sigma) : new float[counts.length];
    for (int s = 0; !inDepth && s < depth; s++) {
      float[] plane = java.util.Arrays.copyOfRange(counts, s * h * w, (s + 1) * h * w);
      System.arraycopy(GaussianBlur.apply(plane, w, h, sigma), 0, out, s * h * w, h * w);
    }
    return Tensor.of(out, depth, h, w);
  }
}
