package dev.lumen.core.explain.lime;

import dev.lumen.core.explain.BatchedScores;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Explanations;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.perturb.GaussianBlur;
import dev.lumen.core.explain.perturb.InputPlanes;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The superpixels of one model input as the players of a game, and the model's scores of
 * coalitions of them: what LIME, KernelSHAP, feature ablation and Shapley value sampling share.
 * The input is cut into superpixels slice by slice (an image is one slice; an exam's slices and a
 * 3D volume's depth slices each have their own); a coalition keeps its superpixels and shows the
 * {@link Hide hidden} values elsewhere. Coalitions are scored in batches, each distinct one once
 * however often a method asks for it (the empty and the full coalition, a row drawn twice).
 */
public final class Coalitions {
  private final Model model;
  private final float[] x;
  private final long[] shape;
  private final InputPlanes planes;
  private final int blocks;
  private final boolean depthFirst;
  private final List<Segments> segments = new ArrayList<>();
  private final int[] offsets;
  private final int features;
  private final float[] hidden;
  private final Map<BitSet, float[]> scored = new HashMap<>();
  private long inferenceNanos;
  private final long segmentationNanos;

  private Coalitions(Model model, Tensor input, Segmentation segmentation, Hide hide) {
    long start = System.nanoTime();
    this.model = model;
    this.x = input.unsafeData();
    this.shape = input.shape();
    this.planes = new InputPlanes(model.input());
    // a 3D model's input is [1, C, D, H, W]: its depth slices are the slices, channel planes D apart
    this.depthFirst = model.input().volumetric();
    this.blocks = depthFirst ? input.dim(2) : x.length / planes.blockSize();
    this.offsets = new int[blocks];
    int count = 0;
    for (int b = 0; b < blocks; b++) {
      Segments s = segmentation.segment(planesOf(x, b), planes.width, planes.height);
      segments.add(s);
      offsets[b] = count;
      count += s.count();
    }
    this.features = count;
    this.hidden = hidden(hide);
    this.segmentationNanos = System.nanoTime() - start;
  }

  /** The game of {@code input} (one image, exam or volume as {@code model} takes it). */
  public static Coalitions of(Model model, Tensor input, Segmentation segmentation, Hide hide) {
    return new Coalitions(model, input, segmentation, hide);
  }

  /** The number of superpixels, over every slice. */
  public int features() {
    return features;
  }

  /** The superpixels of every slice. */
  public List<Segments> segments() {
    return List.copyOf(segments);
  }

  /** How many slices were cut into superpixels (1 for an image). */
  public int slices() {
    return blocks;
  }

  /** Milliseconds spent cutting the slices into superpixels. */
  public double segmentationMillis() {
    return segmentationNanos / 1e6;
  }

  /** Milliseconds spent running the model so far. */
  public double inferenceMillis() {
    return inferenceNanos / 1e6;
  }

  /**
   * The model's scores of each coalition ({@code rows[i][f]}: superpixel {@code f} kept), one row of
   * every label's score per coalition, reported to {@code progress} as {@code stage}.
   *
   * @throws dev.lumen.core.explain.ExplanationCancelledException if {@code progress} asks to stop
   */
  public float[][] scores(boolean[][] rows, Progress progress, String stage) {
    Map<BitSet, Integer> fresh = new LinkedHashMap<>();
    List<boolean[]> representatives = new ArrayList<>();
    BitSet[] keys = new BitSet[rows.length];
    for (int i = 0; i < rows.length; i++) {
      keys[i] = key(rows[i]);
      if (!scored.containsKey(keys[i]) && fresh.putIfAbsent(keys[i], representatives.size()) == null) {
        representatives.add(rows[i]);
      }
    }
    int batch = model.input().volume() ? 1 : model.options().batchSize();
    float[][] scores = BatchedScores.of(representatives.size(), (u, out, at) -> write(representatives.get(u), out, at),
        shape, batch, model.labels().size(), values -> {
          long before = System.nanoTime();
          Tensor out = model.run(values, List.of()).get(model.scoresName());
          inferenceNanos += System.nanoTime() - before;
          return out;
        }, progress, stage);
    fresh.forEach((k, u) -> scored.put(k, scores[u]));
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = scored.get(keys[i]);
    }
    return out;
  }

  /** The map {@code [slices, h, w]} that gives every pixel its superpixel's value of {@code values}. */
  public Tensor map(double[] values) {
    int plane = planes.width * planes.height;
    float[] raw = new float[blocks * plane];
    for (int b = 0; b < blocks; b++) {
      for (int p = 0; p < plane; p++) {
        raw[b * plane + p] = (float) values[offsets[b] + segments.get(b).at(p)];
      }
    }
    return Tensor.of(raw, blocks, planes.height, planes.width);
  }

  /**
   * One explanation per target of {@code raws} (maps from {@link #map}), their heat maps the positive
   * part scaled to its maximum; {@code volumetricSlices} is a 3D model's exam's slice count (its
   * maps are resampled to them), else 0.
   */
  public List<Explanation> explanations(String method, String layer, Prediction prediction, List<LabelScore> targets,
                                        List<Tensor> raws, Geometry geometry, int volumetricSlices) {
    return volumetricSlices > 0
        ? Explanations.ofVolumetric(model, method, layer, prediction, targets, raws,
            Collections.nCopies(raws.size(), Optional.empty()), volumetricSlices, geometry, Maps::positiveScale)
        : Explanations.of(model, method, layer, prediction, targets, raws, geometry, Maps::positiveScale);
  }

  /** The index in the input of channel {@code c}, pixel {@code p} of slice {@code b}. */
  private int index(int b, int c, int p) {
    int plane = planes.width * planes.height;
    return depthFirst ? (c * blocks + b) * plane + p : b * planes.blockSize() + planes.index(c, p);
  }

  /** Slice {@code b}'s channels as planes. */
  private float[][] planesOf(float[] values, int b) {
    int plane = planes.width * planes.height;
    float[][] out = new float[planes.channels][plane];
    for (int c = 0; c < planes.channels; c++) {
      for (int p = 0; p < plane; p++) {
        out[c][p] = values[index(b, c, p)];
      }
    }
    return out;
  }

  /** The value every input element takes when its superpixel is switched off. */
  private float[] hidden(Hide hide) {
    float[] out = new float[x.length];
    int plane = planes.width * planes.height;
    for (int b = 0; b < blocks; b++) {
      Segments s = segments.get(b);
      float[][] channels = planesOf(x, b);
      for (int c = 0; c < planes.channels; c++) {
        float[] fill = switch (hide) {
          case ZERO -> new float[plane];
          case BLUR -> GaussianBlur.apply(channels[c], planes.width, planes.height,
              0.05 * Math.min(planes.width, planes.height));
          case MEAN -> segmentMeans(channels[c], s);
        };
        for (int p = 0; p < plane; p++) {
          out[index(b, c, p)] = fill[p];
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

  /** The input with the superpixels off in {@code row} hidden, written into {@code out} at {@code at}. */
  private void write(boolean[] row, float[] out, int at) {
    System.arraycopy(x, 0, out, at, x.length);
    int plane = planes.width * planes.height;
    for (int b = 0; b < blocks; b++) {
      Segments s = segments.get(b);
      for (int p = 0; p < plane; p++) {
        if (!row[offsets[b] + s.at(p)]) {
          for (int c = 0; c < planes.channels; c++) {
            int i = index(b, c, p);
            out[at + i] = hidden[i];
          }
        }
      }
    }
  }

  /** A row's switches as the set of the superpixels kept. */
  private static BitSet key(boolean[] row) {
    BitSet out = new BitSet(row.length);
    for (int i = 0; i < row.length; i++) {
      out.set(i, row[i]);
    }
    return out;
  }
}
