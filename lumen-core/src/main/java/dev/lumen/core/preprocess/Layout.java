package dev.lumen.core.preprocess;

/** Axis order of a model's image input. */
public enum Layout {
  /** Batch, channels, height, width: PyTorch's order. */
  NCHW,
  /** Batch, height, width, channels: TensorFlow's and Keras's order. */
  NHWC
}
