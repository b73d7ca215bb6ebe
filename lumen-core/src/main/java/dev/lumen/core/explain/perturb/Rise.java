package dev.lumen.core.explain.perturb;

import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.AxisMap;
import dev.lumen.core.preprocess.Bilinear;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * RISE, randomized input sampling for explanation (Petsiuk, Das &amp; Saenko, BMVC 2018):
 * {@code N} random binary masks on an {@code s x s} grid (each cell kept with probability
 * {@code p}) are upsampled bilinearly to {@code (s + 1) C} pixels ({@code C} = input side / s,
 * rounded up) and cut at a random shift, so their edges are soft and fall anywhere. The masked
 * inputs {@code I ⊙ M_i} (in the model's normalised input space) are scored, and the saliency of
 * target {@code c} is {@code sum_i f_c(I ⊙ M_i) M_i / (N p)}. Scores are the model's outputs.
 *
 * <p>Cost: {@code N} forward passes, batched, shared by all targets; for volume models the masks
 * are applied to one slice at a time, {@code N} passes of the whole exam per slice; for 3D models
 * the masks are 3D, {@code N} passes of the volume. Deterministic for a given seed.
 */
public final class Rise extends InputMapExplainer {
  private final Settings settings;

  /**
   * The sampling.
   *
   * @param masks how many masks ({@code N})
   * @param grid cells per side ({@code s})
   * @param keep probability that a cell is kept ({@code p})
   * @param seed seed of the masks and shifts
   */
  public record Settings(int masks, int grid, double keep, long seed) {
    public Settings {
      if (masks < 1 || grid < 1 || !(keep > 0 && keep <= 1)) {
        throw new IllegalArgumentException("RISE needs masks >= 1, grid >= 1 and 0 < keep <= 1, got "
            + masks + ", " + grid + ", " + keep);
      }
    }

    /** The paper's ImageNet settings: 4000 masks, a 7 x 7 grid, p = 0.5; seed 0. */
    public static Settings defaults() {
      return new Settings(4000, 7, 0.5, 0);
    }
  }

  private Rise(Model model, Settings settings) {
    super(model);
    this.settings = settings;
  }

  /** RISE for {@code model} with {@code settings}. */
  public static Rise of(Model model, Settings settings) {
    return new Rise(model, settings);
  }

  @Override
  public String method() {
    return "rise";
  }

  /** {@code [targets][H*W]}: the score-weighted mask sum for the block at {@code offset}. */
  @Override
  BlockMaps blockMaps(Tensor input, int offset, Tensor base, List<LabelScore> targets, Progress progress) {
    Random rng = new Random(settings.seed());
    return BlockMaps.of(maskSum(planes.height * planes.width, () -> mask(rng),
        (m, batch, at) -> masked(input.unsafeData(), offset, m, batch, at), input, targets,
        Math.max(model.options().batchSize(), 16), progress));
  }

  /**
   * A 3D model's RISE: masks on an {@code s x s x s} grid, upsampled trilinearly to
   * {@code (s + 1) C} voxels per axis and cut at a random shift along each, applied to every
   * channel of the volume.
   */
  @Override
  float[][] volumetricMaps(Tensor inputTensor, Tensor base, List<LabelScore> targets, Progress progress) {
    Random rng = new Random(settings.seed());
    float[] input = inputTensor.unsafeData();
    int depth = inputTensor.dim(2);
    int voxels = depth * planes.height * planes.width;
    return maskSum(voxels, () -> volumeMask(rng, depth), (m, batch, at) -> {
      for (int v = 0; v < input.length; v++) {
        batch[at + v] = input[v] * m[v % voxels];
      }
    }, inputTensor, targets, 16, progress);
  }

  /** Writes the input masked by {@code mask} into a batch at {@code at}. */
  private interface Masking {
    void apply(float[] mask, float[] batch, int at);
  }

  /**
   * {@code sum_i f(I ⊙ M_i) M_i / (N p)} per target over masks of {@code size} values drawn from
   * {@code next}, {@code chunk} masks scored at a time.
   */
  private float[][] maskSum(int size, java.util.function.Supplier<float[]> next, Masking masking, Tensor input,
      List<LabelScore> targets, int chunk, Progress progress) {
    float[][] sum = new float[targets.size()][size];
    for (int from = 0; from < settings.masks(); from += chunk) {
      int n = Math.min(chunk, settings.masks() - from);
      List<float[]> masks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        masks.add(next.get());
      }
      float[][] scores = scores(n, (i, batch, at) -> masking.apply(masks.get(i), batch, at), input, Progress.none());
      for (int i = 0; i < n; i++) {
        for (int t = 0; t < targets.size(); t++) {
          float score = scores[i][targets.get(t).index()];
          float[] m = masks.get(i);
          for (int p = 0; p < size; p++) {
            sum[t][p] += score * m[p];
          }
        }
      }
      progress.advance("rise masks", from + n, settings.masks());
    }
    float norm = (float) (settings.masks() * settings.keep());
    for (float[] map : sum) {
      for (int p = 0; p < size; p++) {
        map[p] /= norm;
      }
    }
    return sum;
  }

  /** One soft 3D mask ({@code [depth][H][W]}): a random cubic grid upsampled and cut at a random shift. */
  float[] volumeMask(Random rng, int depth) {
    int s = settings.grid();
    float[] grid = new float[s * s * s];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = rng.nextDouble() < settings.keep() ? 1f : 0f;
    }
    int cellD = (depth + s - 1) / s;
    int cellH = (planes.height + s - 1) / s;
    int cellW = (planes.width + s - 1) / s;
    int shiftZ = rng.nextInt(cellD);
    int shiftY = rng.nextInt(cellH);
    int shiftX = rng.nextInt(cellW);
    AxisMap mapX = AxisMap.resize(s, (s + 1) * cellW).shifted(shiftX);
    AxisMap mapY = AxisMap.resize(s, (s + 1) * cellH).shifted(shiftY);
    int plane = planes.height * planes.width;
    float[] planesOfGrid = new float[s * plane];
    for (int z = 0; z < s; z++) {
      float[] cells = java.util.Arrays.copyOfRange(grid, z * s * s, (z + 1) * s * s);
      System.arraycopy(Bilinear.resample(cells, s, s, planes.width, planes.height, mapX, mapY), 0, planesOfGrid,
          z * plane, plane);
    }
    // along depth: the grid's planes as the rows of an image a plane wide, resampled in rows only
    AxisMap mapZ = AxisMap.resize(s, (s + 1) * cellD).shifted(shiftZ);
    return Bilinear.resample(planesOfGrid, plane, s, plane, depth, new AxisMap(1, 0), mapZ);
  }

  /** One soft mask over the input: a random grid upsampled and cut at a random shift. */
  float[] mask(Random rng) {
    int s = settings.grid();
    float[] grid = new float[s * s];
    for (int i = 0; i < grid.length; i++) {
      grid[i] = rng.nextDouble() < settings.keep() ? 1f : 0f;
    }
    int cellH = (planes.height + s - 1) / s;
    int cellW = (planes.width + s - 1) / s;
    int shiftY = rng.nextInt(cellH);
    int shiftX = rng.nextInt(cellW);
    AxisMap mapX = AxisMap.resize(s, (s + 1) * cellW).shifted(shiftX);
    AxisMap mapY = AxisMap.resize(s, (s + 1) * cellH).shifted(shiftY);
    return Bilinear.resample(grid, s, s, planes.width, planes.height, mapX, mapY);
  }

  private void masked(float[] input, int offset, float[] mask, float[] batch, int at) {
    System.arraycopy(input, 0, batch, at, input.length);
    for (int c = 0; c < planes.channels; c++) {
      for (int p = 0; p < mask.length; p++) {
        int i = offset + planes.index(c, p);
        batch[at + i] = input[i] * mask[p];
      }
    }
  }
}
