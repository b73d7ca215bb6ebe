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
   */
  public record Settings(int window, int stride, Fill fill) {
    public Settings {
      if (window < 1 || stride < 1) {
        throw new IllegalArgumentException("window and stride must be >= 1, got " + window + " and " + stride);
      }
    }

    /** Window 16, stride 8, zero fill. */
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
  float[][] blockMaps(Tensor inputTensor, int offset, Tensor base, List<LabelScore> targets,
                       Progress progress) {
    float[] input = inputTensor.unsafeData();
    float[] fill = fillValues(input, offset);
    List<int[]> positions = positions();
    float[][] sum = new float[targets.size()][planes.height * planes.width];
    int[] count = new int[planes.height * planes.width];
    // a window over pixels that already hold the fill (background under a zero fill) changes nothing
    float[][] scores = scores(positions.size(), i -> holdsFill(input, offset, fill, positions.get(i)),
        (i, batch, at) -> occluded(input, offset, fill, positions.get(i)[0], positions.get(i)[1], batch, at),
        inputTensor, progress);
    for (int i = 0; i < positions.size(); i++) {
      int y0 = positions.get(i)[0];
      int x0 = positions.get(i)[1];
      for (int t = 0; t < targets.size(); t++) {
        int c = targets.get(t).index();
        addToWindow(sum[t], y0, x0, base.get(c) - scores[i][c]);
      }
      addToWindow(count, y0, x0);
    }
    for (float[] map : sum) {
      for (int p = 0; p < map.length; p++) {
        map[p] = count[p] == 0 ? 0f : map[p] / count[p];
      }
    }
    return sum;
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
      for (int[] yx : positions()) {
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

  /** Top-left corners of the windows; the last row and column touch the far edges. */
  private List<int[]> positions() {
    List<int[]> out = new ArrayList<>();
    for (int y : starts(planes.height, settings.window())) {
      for (int x : starts(planes.width, settings.window())) {
        out.add(new int[] {y, x});
      }
    }
    return out;
  }

  private List<Integer> starts(int size, int window) {
    List<Integer> out = new ArrayList<>();
    int last = size - window;
    for (int s = 0; s < last; s += settings.stride()) {
      out.add(s);
    }
    out.add(last);
    return out;
  }

  /** Whether every value under the window at {@code corner} (row, column) already holds the fill. */
  private boolean holdsFill(float[] input, int offset, float[] fill, int[] corner) {
    for (int c = 0; c < planes.channels; c++) {
      for (int y = corner[0]; y < corner[0] + settings.window(); y++) {
        for (int x = corner[1]; x < corner[1] + settings.window(); x++) {
          int i = planes.index(c, y, x);
          if (input[offset + i] != fill[i]) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private void occluded(float[] input, int offset, float[] fill, int y0, int x0, float[] batch, int at) {
    System.arraycopy(input, 0, batch, at, input.length);
    for (int c = 0; c < planes.channels; c++) {
      for (int y = y0; y < y0 + settings.window(); y++) {
        for (int x = x0; x < x0 + settings.window(); x++) {
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

  private void addToWindow(float[] map, int y0, int x0, float value) {
    for (int y = y0; y < y0 + settings.window(); y++) {
      for (int x = x0; x < x0 + settings.window(); x++) {
        map[y * planes.width + x] += value;
      }
    }
  }

  private void addToWindow(int[] count, int y0, int x0) {
    for (int y = y0; y < y0 + settings.window(); y++) {
      for (int x = x0; x < x0 + settings.window(); x++) {
        count[y * planes.width + x]++;
      }
    }
  }

}
