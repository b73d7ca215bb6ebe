package dev.lumen.core.explain.gradient;

import dev.lumen.core.preprocess.Layout;

/**
 * Where the channels and the plane of a feature map lie, in the activations ({@code [N, ...]})
 * and in their gradients ({@code [K, N, ...]}), and how many positions a plane has.
 *
 * @param layout NCHW or NHWC
 * @param positions {@code h * w}
 */
record CamAxes(Layout layout, int positions) {

  long[] activationPlane() {
    return layout == Layout.NHWC ? new long[] {1, 2} : new long[] {2, 3};
  }

  long[] gradientPlane() {
    return layout == Layout.NHWC ? new long[] {2, 3} : new long[] {3, 4};
  }

  long[] gradientChannel() {
    return layout == Layout.NHWC ? new long[] {4} : new long[] {2};
  }
}
