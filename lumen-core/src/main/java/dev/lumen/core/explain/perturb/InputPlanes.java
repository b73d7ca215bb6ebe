package dev.lumen.core.explain.perturb;

import dev.lumen.core.preprocess.InputSpec;
import dev.lumen.core.preprocess.Layout;

/**
 * Index arithmetic over one image (or one slice) of a model input: {@code C x H x W} values
 * stored in the input's layout, starting at a block offset. Every image and every slice of an
 * NCHW or NHWC input is such a contiguous block.
 */
public final class InputPlanes {
  public final int channels;
  public final int height;
  public final int width;
  private final boolean nhwc;

  /** The planes of {@code spec}'s images. */
  public InputPlanes(InputSpec spec) {
    this.channels = spec.channels().count();
    this.height = spec.height();
    this.width = spec.width();
    this.nhwc = spec.layout() == Layout.NHWC;
  }

  /** Values in one block. */
  public int blockSize() {
    return channels * height * width;
  }

  /** The index of (channel, pixel {@code p} in row-major order) inside a block. */
  public int index(int c, int p) {
    return nhwc ? p * channels + c : c * height * width + p;
  }

  /** The index of (channel, y, x) inside a block. */
  public int index(int c, int y, int x) {
    return nhwc ? (y * width + x) * channels + c : (c * height + y) * width + x;
  }
}
