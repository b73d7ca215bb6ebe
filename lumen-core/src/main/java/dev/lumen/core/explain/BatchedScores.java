package dev.lumen.core.explain;

import dev.lumen.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Scores of many modified copies of one input (occluded images, ablated feature maps), made and
 * run a batch at a time, so that only one batch of copies is ever in memory: the loop every
 * perturbation method shares.
 */
public final class BatchedScores {
  private BatchedScores() {}

  /** Writes modified copy {@code i} into a batch, at {@code offset}. */
  @FunctionalInterface
  public interface Copy {
    void write(int i, float[] batch, int offset);
  }

  /**
   * Makes copies {@code 0 .. count-1} with {@code copy} (each {@code itemShape}, written straight
   * into the batch), runs them through {@code run} at most {@code batch} at a time stacked along
   * axis 0, and
   * returns one score row of {@code classes} values per copy. {@code run} maps a batch to its
   * {@code [n, classes]} scores. Each batch is reported to {@code progress} as {@code stage}.
   *
   * @throws ExplanationCancelledException if {@code progress} asks to stop
   */
  public static float[][] of(int count, Copy copy, long[] itemShape, int batch, int classes,
                             UnaryOperator<Tensor> run, Progress progress, String stage) {
    int itemSize = Math.toIntExact(Tensor.sizeOf(itemShape));
    float[][] out = new float[count][];
    for (int from = 0; from < count; from += batch) {
      int n = Math.min(batch, count - from);
      float[] data = new float[n * itemSize];
      for (int i = 0; i < n; i++) {
        copy.write(from + i, data, i * itemSize);
      }
      long[] shape = itemShape.clone();
      shape[0] *= n;
      float[] scores = run.apply(Tensor.of(data, shape)).unsafeData();
      for (int i = 0; i < n; i++) {
        out[from + i] = new float[classes];
        System.arraycopy(scores, i * classes, out[from + i], 0, classes);
      }
      progress.advance(stage, from + n, count);
    }
    return out;
  }
}
