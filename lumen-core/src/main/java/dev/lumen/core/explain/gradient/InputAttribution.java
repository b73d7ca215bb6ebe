package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Autodiff;
import dev.lumen.core.explain.FeatureSlices;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The frame of methods that attribute the score to input pixels (saliency, input × gradient,
 * guided backprop, deconvnet, integrated gradients, SmoothGrad): each computes a per-element
 * attribution shaped like the input, which is reduced over colour channels into the raw map
 * (a sum, or the largest magnitude for saliency) and shown with Captum's normalisation (absolute
 * values clipped at the 98 % cumulative level).
 */
public abstract class InputAttribution extends GradientExplainer {

  InputAttribution(Model model) {
    super(model);
  }

  /** The per-element attribution of a batch: {@code [K, ...input shape]}. */
  abstract Tensor attribution(Tensor input, Pass first, Progress progress);

  /** Whether channels reduce to their largest magnitude (saliency) rather than their sum. */
  boolean maxMagnitude() {
    return false;
  }

  @Override
  public String layer() {
    return model.input().name();
  }

  /** Attributions are the input's shape whatever its rank: a 3D model's are read slice by slice of its depth. */
  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  List<String> wrt() {
    return List.of(model.input().name());
  }

  @Override
  final Map<String, Tensor> perTargetOutputs(Tensor input, Pass first, Progress progress) {
    return Map.of(Autodiff.gradientOf(model.input().name()), attribution(input, first, progress));
  }

  @Override
  UnaryOperator<float[]> normalization() {
    return Maps::attributionScale;
  }

  @Override
  final Tensor rawMap(Map<String, Tensor> item) {
    FeatureSlices q = FeatureSlices.of(item.get(Autodiff.gradientOf(model.input().name())), model.input().layout());
    float[] out = new float[q.slices() * q.plane()];
    for (int s = 0; s < q.slices(); s++) {
      float[][] channels = q.slice(s);
      for (int p = 0; p < q.plane(); p++) {
        float v = 0;
        for (float[] c : channels) {
          v = maxMagnitude() ? Math.max(v, Math.abs(c[p])) : v + c[p];
        }
        out[s * q.plane() + p] = v;
      }
    }
    return Tensor.of(out, q.slices(), q.height(), q.width());
  }

  /** The attribution of one item as {@code [slices, C, h, w]}, channels first whatever the input layout. */
  @Override
  final Optional<Tensor> elementAttribution(Map<String, Tensor> item) {
    FeatureSlices q = FeatureSlices.of(item.get(Autodiff.gradientOf(model.input().name())), model.input().layout());
    float[] out = new float[q.slices() * q.channels() * q.plane()];
    for (int s = 0; s < q.slices(); s++) {
      float[][] channels = q.slice(s);
      for (int c = 0; c < channels.length; c++) {
        System.arraycopy(channels[c], 0, out, (s * q.channels() + c) * q.plane(), q.plane());
      }
    }
    return Optional.of(Tensor.of(out, q.slices(), q.channels(), q.height(), q.width()));
  }

  /** {@code g * x} with {@code x} ({@code [...]}) broadcast over the seed axis of {@code g} ({@code [K, ...]}). */
  static Tensor times(Tensor g, Tensor x) {
    float[] gd = g.unsafeData();
    float[] xd = x.unsafeData();
    float[] out = new float[gd.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = gd[i] * xd[i % xd.length];
    }
    return Tensor.of(out, g.shape());
  }

  /** {@code max(x) - min(x)}: what noise levels are fractions of. */
  static double range(float[] x) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return hi - lo;
  }

  /** The gradient of the input in a run's outputs. */
  Tensor inputGradient(Map<String, Tensor> outputs) {
    return outputs.get(Autodiff.gradientOf(model.input().name()));
  }
}
