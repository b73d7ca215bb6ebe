package dev.lumen.core.postprocess;

import dev.lumen.core.preprocess.Bilinear;
import dev.lumen.core.preprocess.Geometry;
import dev.lumen.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/** The post-processing steps that turn raw maps into displayable heat maps. */
public final class Maps {
  private Maps() {}

  /**
   * Min–max normalisation of one map to [0, 1]; a constant map becomes all zeros (nothing stands
   * out). Non-finite values are refused.
   *
   * @throws IllegalArgumentException if the map holds NaN or infinity
   */
  public static float[] minMax(float[] map) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("map holds a non-finite value (" + v + ")");
      }
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float[] out = new float[map.length];
    if (hi > lo) {
      for (int i = 0; i < map.length; i++) {
        out[i] = (map[i] - lo) / (hi - lo);
      }
    }
    return out;
  }

  /**
   * Captum's normalisation of attribution maps: the absolute values, divided by the value below
   * which {@code percent} of the total absolute attribution lies (sorted ascending, cumulative
   * sum), and clipped to 1, so a few extreme pixels do not wash out the rest. Captum's default
   * is 98 (outlier_perc 2).
   *
   * @throws IllegalArgumentException if the map holds NaN or infinity
   */
  public static float[] cumulativeClip(float[] map, double percent) {
    float[] abs = new float[map.length];
    double total = 0;
    for (int i = 0; i < map.length; i++) {
      if (!Float.isFinite(map[i])) {
        throw new IllegalArgumentException("map holds a non-finite value (" + map[i] + ")");
      }
      abs[i] = Math.abs(map[i]);
      total += abs[i];
    }
    float[] sorted = abs.clone();
    java.util.Arrays.sort(sorted);
    double goal = total * percent / 100;
    double sum = 0;
    float threshold = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    for (float v : sorted) {
      sum += v;
      if (sum >= goal) {
        threshold = v;
        break;
      }
    }
    float[] out = new float[map.length];
    if (threshold > 0) {
      for (int i = 0; i < map.length; i++) {
        out[i] = Math.min(1f, abs[i] / threshold);
      }
    }
    return out;
  }

  /**
   * The positive part of a signed map divided by its largest value: evidence for the target in
   * (0, 1], evidence against at 0. A map with nothing positive becomes all zeros.
   *
   * @throws IllegalArgumentException if the map holds NaN or infinity
   */
  public static float[] positiveScale(float[] map) {
    float hi = 0;
    for (float v : map) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("map holds a non-finite value (" + v + ")");
      }
      hi = Math.max(hi, v);
    }
    float[] out = new float[map.length];
    if (hi > 0) {
      for (int i = 0; i < map.length; i++) {
        out[i] = Math.max(map[i], 0) / hi;
      }
    }
    return out;
  }

  /** {@link #cumulativeClip} at Captum's default 98 %: how attribution maps are shown. */
  public static float[] attributionScale(float[] map) {
    return cumulativeClip(map, 98);
  }

  /**
   * Per-slice min–max normalisation of {@code raw} ({@code [slices, h, w]}), then bilinear
   * resampling (half-pixel centres) into the original image's geometry.
   */
  public static Tensor toImageSpace(Tensor raw, Geometry geometry) {
    return toImageSpace(raw, geometry, Maps::minMax);
  }

  /**
   * Per-slice normalisation of {@code raw} ({@code [slices, h, w]}) by {@code normalize}, then
   * bilinear resampling (half-pixel centres) into the original image's geometry.
   */
  public static Tensor toImageSpace(Tensor raw, Geometry geometry, UnaryOperator<float[]> normalize) {
    int slices = raw.dim(0);
    int h = raw.dim(1);
    int w = raw.dim(2);
    int outW = geometry.sourceWidth();
    int outH = geometry.sourceHeight();
    float[] out = new float[slices * outW * outH];
    for (int s = 0; s < slices; s++) {
      float[] norm = normalize.apply(raw.slice(s).unsafeData());
      float[] up = Bilinear.resample(norm, w, h, outW, outH,
          geometry.sourceToFeatureX(w), geometry.sourceToFeatureY(h));
      System.arraycopy(up, 0, out, s * outW * outH, up.length);
    }
    return Tensor.of(out, slices, outH, outW);
  }
}
