package dev.lumen.core.explain;

import dev.lumen.core.LumenException;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;

/**
 * A stack of feature maps or images ({@code [slices, C, h, w]}, or {@code [slices, h, w, C]}
 * for NHWC) read as {@code [C][h*w]} per slice, the form per-position formulas work on.
 *
 * @param features the values
 * @param layout their axis order
 */
public record FeatureSlices(Tensor features, Layout layout) {

  /**
   * {@code features} read in {@code layout}.
   *
   * @throws LumenException if the values are not rank 4
   */
  public static FeatureSlices of(Tensor features, Layout layout) {
    if (features.rank() != 4) {
      throw new LumenException("the layer is not a feature map: its values have shape " + features);
    }
    return new FeatureSlices(features, layout);
  }

  /** The number of slices (images). */
  public int slices() {
    return features.dim(0);
  }

  /** The number of channels. */
  public int channels() {
    return layout == Layout.NHWC ? features.dim(3) : features.dim(1);
  }

  /** The height of a map. */
  public int height() {
    return layout == Layout.NHWC ? features.dim(1) : features.dim(2);
  }

  /** The width of a map. */
  public int width() {
    return layout == Layout.NHWC ? features.dim(2) : features.dim(3);
  }

  /** Positions per map. */
  public int plane() {
    return height() * width();
  }

  /**
   * Every slice at once as {@code [K][slices*h*w]}, slice after slice: a 3D model's feature map
   * read as one map whose positions are its voxels.
   */
  public float[][] whole() {
    int plane = plane();
    float[][] out = new float[channels()][slices() * plane];
    for (int s = 0; s < slices(); s++) {
      float[][] slice = slice(s);
      for (int c = 0; c < slice.length; c++) {
        System.arraycopy(slice[c], 0, out[c], s * plane, plane);
      }
    }
    return out;
  }

  /** Slice {@code s} as {@code [K][h*w]}. */
  public float[][] slice(int s) {
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
