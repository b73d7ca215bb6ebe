package dev.lumen.core.preprocess;

/** How an image is brought to the model's input size. */
public enum Resize {
  /** Scale each axis to the input size; the aspect ratio may change. */
  STRETCH,
  /**
   * Scale keeping the aspect ratio so the shorter side has the given length (the input size by
   * default), then cut the centre out, as torchvision's {@code Resize} + {@code CenterCrop} do.
   */
  CROP
}
