package dev.lumen.core.explain.gradient;

import dev.lumen.core.preprocess.Layout;

/**
 * Where the channels and the plane of a feature map lie, in the activations ({@code [N, ...]})
 * and in their gradients ({@code [K, N, ...]}), and how many positions a plane has. A 3D
 * convolutional model's feature maps ({@code [N, C, d, h, w]}) have three spatial axes, and their
 * "plane" is the whole volume: Grad-CAM's weights average over depth too.
 *
 * @param layout NCHW or NHWC (NHWC maps are 2D)
 * @param spatial the number of spatial axes: 2, or 3 for a 3D model's maps
 * @param positions the positions of one map: {@code h * w}, or {@code d * h * w}
 */
record CamAxes(Layout layout, int spatial, int positions) {

  long[] activationPlane() {
    return layout == Layout.NHWC ? new long[] {1, 2} : range(2, spatial);
  }

  long[] gradientPlane() {
    return layout == Layout.NHWC ? new long[] {2, 3} : range(3, spatial);
  }

  long[] gradientChannel() {
    return layout == Layout.NHWC ? new long[] {4} : new long[] {2};
  }

  private static long[] range(long from, int count) {
    long[] axes = new long[count];
    for (int i = 0; i < count; i++) {
      axes[i] = from + i;
    }
    return axes;
  }
}
