package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Attributes;
import dev.lumen.core.autodiff.GraphEmitter;
import java.util.List;

/** Map post-processing written as ONNX nodes, for explanations computed inside the graph. */
final class GraphMaps {
  private GraphMaps() {}

  /** {@code x} min–max normalised over {@code axes} (a constant stretch becomes zeros). */
  static String minMax(GraphEmitter e, String x, long[] axes) {
    String min = e.reduce("ReduceMin", x, axes, true);
    String max = e.reduce("ReduceMax", x, axes, true);
    String range = e.op("Max", List.of(e.op("Sub", List.of(max, min)), e.scalar(1e-30f)));
    return e.op("Div", List.of(e.op("Sub", List.of(x, min)), range));
  }

  /**
   * Maps {@code [K, N, ...]} resized linearly along each axis after the first two (half-pixel
   * centres: bilinear for planes, trilinear for volumes) to the shape of {@code like}.
   */
  static String resizeLike(GraphEmitter e, String maps, String like) {
    return linearResize(e, maps, e.op("Shape", List.of(like)));
  }

  /** Maps {@code [K, N, h, w]} resized bilinearly (half-pixel centres) to {@code size} ({@code {H, W}}). */
  static String resize(GraphEmitter e, String maps, int[] size) {
    String outer = e.op("Slice", List.of(e.op("Shape", List.of(maps)), e.ints(0), e.ints(2), e.ints(0)));
    return linearResize(e, maps, e.op("Concat", List.of(outer, e.ints(size[0], size[1])),
        Attributes.integer("axis", 0)));
  }

  private static String linearResize(GraphEmitter e, String maps, String sizes) {
    return e.op("Resize", List.of(maps, e.floats(new float[0], 0), e.floats(new float[0], 0), sizes),
        Attributes.text("mode", "linear"), Attributes.text("coordinate_transformation_mode", "half_pixel"));
  }
}
