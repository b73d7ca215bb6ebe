package dev.lumen.core.model;

import java.util.Arrays;

/**
 * One tensor a node of the model produces, with its shape for the model's input size.
 *
 * @param node the producing node's name
 * @param opType the producing operator
 * @param tensor the tensor's name, as explainers take it
 * @param shape the tensor's shape for one input image (or exam)
 */
public record Layer(String node, String opType, String tensor, long[] shape) {
  public Layer {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Whether the tensor is a feature map: rank 4 with at least two of its non-batch axes above 1,
   * which holds for NCHW and NHWC maps and fails for pooled {@code [n, C, 1, 1]} vectors.
   */
  public boolean isSpatial() {
    if (shape.length != 4) {
      return false;
    }
    int large = 0;
    for (int axis = 1; axis < 4; axis++) {
      large += shape[axis] > 1 ? 1 : 0;
    }
    return large >= 2;
  }

  @Override
  public String toString() {
    return node + " " + opType + " -> " + tensor + " " + Arrays.toString(shape);
  }
}
