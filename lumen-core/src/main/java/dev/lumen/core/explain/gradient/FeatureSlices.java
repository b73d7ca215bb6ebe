package dev.lumen.core.explain.gradient;

import dev.lumen.core.LumenException;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;

/**
 * A tensor of images ({@code [slices, C, h, w]}, or {@code [slices, h, w, C]} for NHWC) read
 * as {@code [C][h*w]} per slice: how input attributions reduce their channels.
 */
record FeatureSlices(Tensor features, Layout layout) {

  static FeatureSlices of(Tensor features, Layout layout) {
    if (features.rank() != 4) {
      throw new LumenException("the layer is not a feature map: its values have shape " + features);
    }
    return new FeatureSlices(features, layout);
  }

  int slices() {
    return features.dim(0);
  }

  int channels() {
    return layout == Layout.NHWC ? features.dim(3) : features.dim(1);
  }

  int height() {
    return layout == Layout.NHWC ? features.dim(1) : features.dim(2);
  }

  int width() {
    return layout == Layout.NHWC ? features.dim(2) : features.dim(3);
  }

  int plane() {
    return height() * width();
  }

  /** Slice {@code s} as {@code [K][h*w]}. */
  float[][] slice(int s) {
    int k = channels();
    int plane = plane();
    float[] data = features.unsafeData();
    float[][] out = new float[k][plane];
    int base = s * k * plane;
    for (int c = 0; c < k; c++) {
      for (int p = 0; p < plane; p++) {
        out[c][p] = layout == Layout.NHWC ? data[base + p * k + c] : data[base + c * plane + p];
      }
    }
    return out;
  }
}
