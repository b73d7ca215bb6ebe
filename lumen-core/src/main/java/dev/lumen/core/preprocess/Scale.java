package dev.lumen.core.preprocess;

/**
 * How pixel values are scaled before the per-channel mean and standard deviation are applied.
 * Pixel values start in the image's own range (0–255 for 8-bit, 0–65535 for 16-bit files).
 */
public enum Scale {
  /** To [0, 1] by the image's bit depth, as torchvision's {@code ToTensor}. */
  UNIT,
  /** To 0–255 by the image's bit depth, for models trained on raw 8-bit values. */
  RAW,
  /**
   * Per image (per volume for volumes) min–max scaling to [0, 255], as the MRNet loader does
   * before it subtracts its mean and divides by its standard deviation.
   */
  MINMAX
}
