package dev.lumen.core.onnx;

import dev.lumen.core.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The shape of every tensor of a graph, learnt by running it: dimensions that changed between
 * two runs at different batch (or slice) counts are dynamic and read {@code -1}; the rest are
 * fixed for the model's input size.
 *
 * <p>Graph rewrites that must bake sizes into new nodes (a convolution's output padding, a
 * pooling window's divisor) read them here; anything that follows the batch is computed at run
 * time instead.
 */
public final class TensorShapes {
  private final Map<String, long[]> shapes;

  private TensorShapes(Map<String, long[]> shapes) {
    this.shapes = shapes;
  }

  /**
   * The shapes seen in two runs of one graph; {@code second} may be {@code first} when the
   * input has no dynamic axis. Tensors missing from either run are unknown.
   */
  public static TensorShapes fromRuns(Map<String, Tensor> first, Map<String, Tensor> second) {
    Map<String, long[]> out = new HashMap<>();
    first.forEach((name, a) -> {
      Tensor b = second.get(name);
      if (b == null || a.rank() != b.rank()) {
        return;
      }
      long[] shape = a.shape();
      long[] other = b.shape();
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] != other[i]) {
          shape[i] = -1;
        }
      }
      out.put(name, shape);
    });
    return new TensorShapes(out);
  }

  /**
   * The shape of {@code tensor}, {@code -1} for dynamic dimensions.
   *
   * @throws IllegalArgumentException if the tensor was not seen
   */
  public long[] of(String tensor) {
    long[] shape = shapes.get(tensor);
    if (shape == null) {
      throw new IllegalArgumentException("no shape known for tensor '" + tensor + "'");
    }
    return shape.clone();
  }

  /** The rank of {@code tensor}. */
  public int rank(String tensor) {
    return of(tensor).length;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("TensorShapes{");
    shapes.forEach((k, v) -> out.append(k).append('=').append(Arrays.toString(v)).append(' '));
    return out.append('}').toString();
  }
}
