package dev.lumen.core.image;

import dev.lumen.core.tensor.Tensor;

/**
 * A 2D study or one slice of a volume: planar pixel values in the file's own range, with the
 * range's top ({@code 255} for 8-bit files, {@code 65535} for 16-bit ones) so preprocessing can
 * scale without guessing.
 *
 * @param source where the image came from (a file name), for errors and manifests
 * @param pixels values as {@code [channels, height, width]}, 1 (grey) or 3 (RGB) channels
 * @param maxValue the largest value the source's bit depth can hold
 */
public record Image(String source, Tensor pixels, float maxValue) {
  public Image {
    if (pixels.rank() != 3 || (pixels.dim(0) != 1 && pixels.dim(0) != 3)) {
      throw new IllegalArgumentException(
          "image pixels must be [1 or 3 channels, height, width], got " + pixels);
    }
    if (!(maxValue > 0)) {
      throw new IllegalArgumentException("maxValue must be > 0, got " + maxValue);
    }
  }

  /** A grey image from row-major values. */
  public static Image gray(String source, float[] values, int width, int height, float maxValue) {
    return new Image(source, Tensor.of(values, 1, height, width), maxValue);
  }

  /** This study with other values of the same shape: a perturbed copy for a measure. */
  public Image withValues(float[] values) {
    return new Image(source, Tensor.of(values, pixels.shape()), maxValue);
  }

  /** Width in pixels. */
  public int width() {
    return pixels.dim(2);
  }

  /** Height in pixels. */
  public int height() {
    return pixels.dim(1);
  }

  /** 1 for grey images, 3 for colour ones. */
  public int channels() {
    return pixels.dim(0);
  }

  /** Whether the image has one channel. */
  public boolean isGray() {
    return channels() == 1;
  }
}
