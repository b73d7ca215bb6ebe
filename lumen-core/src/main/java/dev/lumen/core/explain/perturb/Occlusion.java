package dev.lumen.core.explain.perturb;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Occlusion sensitivity (Zeiler &amp; Fergus, "Visualizing and Understanding Convolutional
 * Networks", ECCV 2014): a window slides over the model input and is filled (zero, mean or
 * blur); the drop of each target's score, {@code score(input) - score(occluded)}, is credited to
 * every input pixel under the window and averaged over the windows that cover it, as Captum's
 * {@code Occlusion} does. Scores are the model's own outputs (probabilities when the graph ends
 * in softmax or sigmoid, logits otherwise).
 *
 * <p>Cost: one forward pass per window position, batched (the positions whose window already
 * holds the fill, such as background under a zero fill, share one: their copies are the input);
 * for volume models one pass of the whole exam per position and slice; for 3D convolutional models the window is a cube sliding
 * through the volume, one pass per position. Every target comes from the same passes. The raw
 * map is at the model input's resolution.
 *
 * <p>Coarse to fine (opt-in, {@link Settings#refine}, 2D images and exams' slices): windows twice
 * the side, at twice the stride, are scored first and make a coarse map; a window of the full grid
 * is scored only where some target's coarse map reaches {@code refine} times its largest
 * magnitude under it, and elsewhere takes the drop the coarse map predicts (its mean under the
 * window, scaled by the windows' areas). The explanation's details give the windows of the full
 * grid and the passes made ({@code windows}, {@code scored}); how close the map stays to the full
 * grid's is measured in docs/benchmarks.md.
 *
 * <pre>{@code
 * Explanation e = Occlusion.of(model, new Occlusion.Settings(16, 8, Fill.ZERO)).explain(image);
 * }</pre>
 */
public final class Occlusion extends InputMapExplainer {
  private final Settings settings;

  /**
   * How the window slides.
   *
   * @param window side of the square window, in model input pixels
   * @param stride step between window positions, in model input pixels
   * @param fill what the window is filled with
   * @param refine 0 for every window; else coarse to fine: the share of the coarse map's largest
   *     magnitude from which its windows are scored at the full grid, in (0, 1]
   */
  public record Settings(int window, int stride, Fill fill, double refine) {
    public Settings {
      if (window < 1 || stride < 1) {
        throw new IllegalArgumentException("window and stride must be >= 1, got " + window + " and " + stride);
      }
      if (!(refine >= 0 && refine <= 1)) {
        throw new IllegalArgumentException("occlusion's refine share must lie in [0, 1] (0: every window), got "
            + refine);
      }
    }

    /** Every window scored. */
    public Settings(int window, int stride, Fill fill) {
      this(window, stride, fill, 0);
    }

    /** Window 16, stride 8, zero fill, every window. */
    public static Settings defaults() {
      return new Settings(16, 8, Fill.ZERO);
    }
  }

  private Occlusion(Model model, Settings settings) {
    super(model);
    this.settings = settings;
    if (settings.window() > Math.min(planes.width, planes.height)) {
      throw new IllegalArgumentException("occlusion window " + settings.window() + " is larger than the model input "
          + planes.width + "x" + planes.height);
    }
  }

  /** Occlusion for {@code model} with {@code settings}. */
  public static Occlusion of(Model model, Settings settings) {
    return new Occlusion(model, settings);
  }

  @Override
  public String method() {
    return "occlusion";
  }

  /** Per target, the mean score drop at every pixel of the block at {@code offset}. */
  @Override
  BlockMaps blockMaps(Tensor inputTensor, int offset, Tensor base, List<LabelScore> targets,
                      Progress progress) {
    float[] input = inputTensor.unsafeData();
    float[] fill = fillValues(input, offset);
    int window = settings.window();
    List<int[]> positions = positions(window, settings.stride());
    float[][] drops = new float[positions.size()][];
    int passes = 0;
    if (settings.refine() > 0) {
      int side = Math.min(2 * window, Math.min(planes.width, planes.height));
      List<int[]> coarse = positions(side, 2 * settings.stride());
      float[][] coarseMaps = meanDrops(coarse, side, drops(windowScores(input, offset, fill, coarse, side, inputTensor,
          progress), base, targets));
      passes += coarse.size();
      estimateQuietWindows(positions, coarseMaps, (double) window * window / (side * side), drops);
    }
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < drops.length; i++) {
      if (drops[i] == null) {
        open.add(i);
      }
    }
    float[][] fine = drops(windowScores(input, offset, fill, open.stream().map(positions::get).toList(), window,
        inputTensor, progress), base, targets);
    for (int k = 0; k < open.size(); k++) {
      drops[open.get(k)] = fine[k];
    }
    passes += open.size();
    float[][] maps = meanDrops(positions, window, drops);
    return settings.refine() > 0
        ? new BlockMaps(maps, java.util.Map.of("windows", positions.size(), "scored", passes))
        : BlockMaps.of(maps);
  }

  /** Each window's drop of each target's score: {@code [windows][targets]}. */
  private static float[][] drops(float[][] scores, Tensor base, List<LabelScore> targets) {
    float[][] out = new float[scores.length][targets.size()];
    for (int i = 0; i < scores.length; i++) {
      for (int t = 0; t < targets.size(); t++) {
        int c = targets.get(t).index();
        out[i][t] = base.get(c) - scores[i][c];
      }
    }
    return out;
  }

  /** Per target, every pixel's mean drop over the windows of {@code side} at {@code corners} that cover it. */
  private float[][] meanDrops(List<int[]> corners, int side, float[][] drops) {
    int targets = drops.length == 0 ? 0 : drops[0].length;
    float[][] sum = new float[targets][planes.height * planes.width];
    int[] count = new int[planes.height * planes.width];
    for (int i = 0; i < corners.size(); i++) {
      int[] corner = corners.get(i);
      for (int y = corner[0]; y < corner[0] + side; y++) {
        for (int x = corner[1]; x < corner[1] + side; x++) {
          int p = y * planes.width + x;
          count[p]++;
          for (int t = 0; t < targets; t++) {
            sum[t][p] += drops[i][t];
          }
        }
      }
    }
    for (float[] map : sum) {
      for (int p = 0; p < map.length; p++) {
        map[p] = count[p] == 0 ? 0f : map[p] / count[p];
      }
    }
    return sum;
  }

  /**
   * Gives each window of the full grid where no target's coarse map reaches {@code refine} of its
   * largest magnitude the drop the coarse map predicts for it: its mean under the window, scaled by
   * the windows' areas ({@code scale}); the windows left null are scored.
   */
  private void estimateQuietWindows(List<int[]> positions, float[][] coarseMaps, double scale, float[][] drops) {
    int window = settings.window();
    double[] largest = new double[coarseMaps.length];
    for (int t = 0; t < coarseMaps.length; t++) {
      for (float v : coarseMaps[t]) {
        largest[t] = Math.max(largest[t], Math.abs(v));
      }
    }
    for (int i = 0; i < positions.size(); i++) {
      int[] corner = positions.get(i);
      float[] estimate = new float[coarseMaps.length];
      boolean quiet = true;
      for (int t = 0; t < coarseMaps.length; t++) {
        double sum = 0;
        for (int y = corner[0]; y < corner[0] + window; y++) {
          for (int x = corner[1]; x < corner[1] + window; x++) {
            float v = coarseMaps[t][y * planes.width + x];
            quiet &= Math.abs(v) < settings.refine() * largest[t];
            sum += v;
          }
        }
        estimate[t] = (float) (scale * sum / (window * window));
      }
      drops[i] = quiet ? estimate : null;
    }
  }

  /** The scores of the input with each window of {@code side} at {@code corners} filled. */
  private float[][] windowScores(float[] input, int offset, float[] fill, List<int[]> corners, int side,
                                 Tensor inputTensor, Progress progress) {
    // a window over pixels that already hold the fill (background under a zero fill) changes nothing
    return scores(corners.size(), i -> holdsFill(input, offset, fill, corners.get(i), side),
        (i, batch, at) -> occluded(input, offset, fill, corners.get(i), side, batch, at), inputTensor, progress);
  }

  /**
   * A 3D model's occlusion: the window is a cube (its depth at most the input's), sliding along
   * depth, rows and columns with the stride; each voxel gets the mean score drop of the cubes
   * that cover it.
   */
  @Override
  float[][] volumetricMaps(Tensor inputTensor, Tensor base, List<LabelScore> targets, Progress progress) {
    if (settings.fill() == Fill.BLUR) {
      throw new IllegalArgumentException("the blur fill is a 2D blur; occlude a 3D model with zero or mean");
    }
    if (settings.refine() > 0) {
      throw new IllegalArgumentException("coarse-to-fine occlusion refines 2D windows; occlude a 3D model on its "
          + "full grid (refine 0)");
    }
    float[] input = inputTensor.unsafeData();
    int c = inputTensor.dim(1);
    int d = inputTensor.dim(2);
    int plane = planes.height * planes.width;
    int depthWindow = Math.min(settings.window(), d);
    float[] fill = new float[input.length];
    if (settings.fill() == Fill.MEAN) {
      int volume = d * plane;
      for (int ch = 0; ch < c; ch++) {
        double sum = 0;
        for (int i = 0; i < volume; i++) {
          sum += input[ch * volume + i];
        }
        java.util.Arrays.fill(fill, ch * volume, (ch + 1) * volume, (float) (sum / volume));
      }
    }
    List<int[]> positions = new ArrayList<>();
    for (int z : starts(d, depthWindow)) {
      for (int[] yx : positions(settings.window(), settings.stride())) {
        positions.add(new int[] {z, yx[0], yx[1]});
      }
    }
    float[][] scores = scores(positions.size(), i -> {
      boolean[] same = {true};
      forEachVoxel(positions.get(i), depthWindow, d, (z, p) -> {
        for (int ch = 0; ch < c; ch++) {
          int index = (ch * d + z) * plane + p;
          same[0] &= input[index] == fill[index];
        }
      });
      return same[0];
    }, (i, batch, at) -> {
      System.arraycopy(input, 0, batch, at, input.length);
      forEachVoxel(positions.get(i), depthWindow, d, (z, p) -> {
        for (int ch = 0; ch < c; ch++) {
          int index = (ch * d + z) * plane + p;
          batch[at + index] = fill[index];
        }
      });
    }, inputTensor, progress);
    float[][] sum = new float[targets.size()][d * plane];
    int[] count = new int[d * plane];
    for (int i = 0; i < positions.size(); i++) {
      int position = i;
      forEachVoxel(positions.get(i), depthWindow, d, (z, p) -> {
        for (int t = 0; t < targets.size(); t++) {
          int label = targets.get(t).index();
          sum[t][z * plane + p] += base.get(label) - scores[position][label];
        }
        count[z * plane + p]++;
      });
    }
    for (float[] map : sum) {
      for (int v = 0; v < map.length; v++) {
        map[v] = count[v] == 0 ? 0f : map[v] / count[v];
      }
    }
    return sum;
  }

  /** A voxel of a slice: its slice and its index in the slice. */
  private interface Voxel {
    void at(int z, int p);
  }

  /** Every voxel of the cube whose corner is {@code corner} (slice, row, column). */
  private void forEachVoxel(int[] corner, int depthWindow, int depth, Voxel voxel) {
    for (int z = corner[0]; z < Math.min(depth, corner[0] + depthWindow); z++) {
      for (int y = corner[1]; y < corner[1] + settings.window(); y++) {
        for (int x = corner[2]; x < corner[2] + settings.window(); x++) {
          voxel.at(z, y * planes.width + x);
        }
      }
    }
  }

  /** Top-left corners of the windows of {@code side}; the last row and column touch the far edges. */
  private List<int[]> positions(int side, int stride) {
    List<int[]> out = new ArrayList<>();
    for (int y : starts(planes.height, side, stride)) {
      for (int x : starts(planes.width, side, stride)) {
        out.add(new int[] {y, x});
      }
    }
    return out;
  }

  private List<Integer> starts(int size, int window) {
    return starts(size, window, settings.stride());
  }

  private static List<Integer> starts(int size, int window, int stride) {
    List<Integer> out = new ArrayList<>();
    int last = size - window;
    for (int s = 0; s < last; s += stride) {
      out.add(s);
    }
    out.add(last);
    return out;
  }

  /** Whether every value under the window of {@code side} at {@code corner} (row, column) already holds the fill. */
  private boolean holdsFill(float[] input, int offset, float[] fill, int[] corner, int side) {
    for (int c = 0; c < planes.channels; c++) {
      for (int y = corner[0]; y < corner[0] + side; y++) {
        for (int x = corner[1]; x < corner[1] + side; x++) {
          int i = planes.index(c, y, x);
          if (input[offset + i] != fill[i]) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private void occluded(float[] input, int offset, float[] fill, int[] corner, int side, float[] batch, int at) {
    System.arraycopy(input, 0, batch, at, input.length);
    for (int c = 0; c < planes.channels; c++) {
      for (int y = corner[0]; y < corner[0] + side; y++) {
        for (int x = corner[1]; x < corner[1] + side; x++) {
          int i = planes.index(c, y, x);
          batch[at + offset + i] = fill[i];
        }
      }
    }
  }

  /** The fill of every value of the block, in block order. */
  private float[] fillValues(float[] input, int offset) {
    float[] fill = new float[planes.blockSize()];
    switch (settings.fill()) {
      case ZERO -> { }
      case MEAN -> {
        for (int c = 0; c < planes.channels; c++) {
          double sum = 0;
          for (int p = 0; p < planes.height * planes.width; p++) {
            sum += input[offset + planes.index(c, p / planes.width, p % planes.width)];
          }
          float mean = (float) (sum / (planes.height * planes.width));
          for (int p = 0; p < planes.height * planes.width; p++) {
            fill[planes.index(c, p / planes.width, p % planes.width)] = mean;
          }
        }
      }
      case BLUR -> {
        for (int c = 0; c < planes.channels; c++) {
          float[] plane = new float[planes.height * planes.width];
          for (int p = 0; p < plane.length; p++) {
            plane[p] = input[offset + planes.index(c, p / planes.width, p % planes.width)];
          }
          float[] blurred = GaussianBlur.apply(plane, planes.width, planes.height, settings.window() / 4.0);
          for (int p = 0; p < plane.length; p++) {
            fill[planes.index(c, p / planes.width, p % planes.width)] = blurred[p];
          }
        }
      }
    }
    return fill;
  }
}
