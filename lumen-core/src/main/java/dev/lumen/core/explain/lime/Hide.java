package dev.lumen.core.explain.lime;

/** What a switched-off superpixel shows. */
public enum Hide {
  /** Its own mean value per channel (the reference library's default). */
  MEAN,
  /** The all-zero model input (the training mean under mean/std normalisation). */
  ZERO,
  /** A Gaussian blur of the image (sigma 5 % of the shorter side), hiding detail without adding any. */
  BLUR
}
