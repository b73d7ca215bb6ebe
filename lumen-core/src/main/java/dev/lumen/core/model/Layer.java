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

  /** Whether the tensor is a feature map: rank 4 with both spatial sides above 1 (NCHW or NHWC). */
  public boolean isSpatial() {
    return shape.length == 4 && ((shape[2] > 1 && shape[3] > 1) || (shape[1] > 1 && shape[2] > 1 && shape[3] <= 4));
  }

  @Override
  public String toString() {
    return node + " " + opType + " -> " + tensor + " " + Arrays.toString(shape);
  }
}
