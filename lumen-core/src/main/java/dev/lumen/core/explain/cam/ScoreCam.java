package dev.lumen.core.explain.cam;

import dev.lumen.core.explain.BatchedScores;
import dev.lumen.core.explain.DistinctCopies;
import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.postprocess.Maps;
import dev.lumen.core.preprocess.Bilinear;
import dev.lumen.core.preprocess.DepthResample;
import dev.lumen.core.preprocess.InputSpec;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Score-CAM (Wang et al., "Score-CAM: Score-Weighted Visual Explanations for Convolutional Neural
 * Networks", CVPR workshops 2020): each feature map {@code A_k} is upsampled to the input
 * (bilinear, half-pixel centres), min–max normalised to a mask {@code H_k}, and the input masked
 * by it ({@code X ⊙ H_k}, in the normalised input space) is scored; the weights are the softmax
 * over {@code k} of those scores, as in pytorch-grad-cam, and the map is
 * {@code ReLU(sum_k alpha_k A_k)}. Scores are the model's outputs.
 *
 * <p>Cost: one forward pass per distinct channel of the layer (channels with equal activations,
 * such as the all-zero ones after a ReLU, share one), batched, shared by all targets. Volume
 * models mask every slice with its own feature map and score the whole exam: one pass of the exam
 * per channel (the reference Python library cannot run such models); 3D models mask the input
 * volume with each channel's 3D map upsampled trilinearly.
 */
public final class ScoreCam extends FeatureMapExplainer {
  private ScoreCam(Model model, LayerChoice choice) {
    super(model, choice.layer(), choice.layout());
  }

  /** Score-CAM at the model's default explanation layer (works with any head). */
  public static ScoreCam of(Model model) {
    return new ScoreCam(model, LayerChoice.of(model));
  }

  /** Score-CAM at the feature map {@code layer} ({@link LayerChoice#at}). */
  public static ScoreCam at(Model model, String layer) {
    return new ScoreCam(model, LayerChoice.at(model, layer));
  }

  @Override
  public String method() {
    return "scorecam";
  }

  /** A 3D map is upsampled trilinearly to the input's volume and normalised over it. */
  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  List<Tensor> rawMaps(Tensor features, Tensor scores, Tensor input, List<LabelScore> targets,
                       Progress progress) {
    InputSpec spec = model.input();
    int slices = features.dim(0);
    int k = channels(features);
    int h = height(features);
    int w = width(features);
    float[] x = input.unsafeData();
    int batch = spec.volume() ? 1 : model.options().batchSize();
    BatchedScores.Copy mask = spec.volumetric() ? (ch, out, at) -> maskedVolume(features, ch, x, out, at)
        : (ch, out, at) -> maskedInput(features, ch, x, out, at);
    // channels with the same activations make the same masked input: one pass each
    DistinctCopies distinct = distinctChannels(features);
    float[][] masked = distinct.expand(BatchedScores.of(distinct.count(),
        (u, out, at) -> mask.write(distinct.representatives()[u], out, at), input.shape(), batch,
        model.labels().size(), values -> model.run(values, List.of()).get(model.scoresName()), progress,
        "scorecam masked inputs"));
    List<Tensor> out = new ArrayList<>();
    for (LabelScore target : targets) {
      float[] weights = new float[k];
      float max = Float.NEGATIVE_INFINITY;
      for (int ch = 0; ch < k; ch++) {
        max = Math.max(max, masked[ch][target.index()]);
      }
      double sum = 0;
      for (int ch = 0; ch < k; ch++) {
        weights[ch] = (float) Math.exp(masked[ch][target.index()] - max);
        sum += weights[ch];
      }
      for (int ch = 0; ch < k; ch++) {
        weights[ch] /= (float) sum;
      }
      float[] map = weightedSum(features, weights).toArray();
      for (int i = 0; i < map.length; i++) {
        map[i] = Math.max(0f, map[i]);
      }
      out.add(Tensor.of(map, slices, h, w));
    }
    return out;
  }

  /**
   * The channels of {@code features} with distinct activations (every slice's, value for value).
   * Channels that are all zero after a ReLU, common in trained networks, are one; equal
   * activations give equal masks, so the saving is exact.
   */
  DistinctCopies distinctChannels(Tensor features) {
    int slices = features.dim(0);
    int plane = height(features) * width(features);
    int w = width(features);
    float[] f = features.unsafeData();
    return DistinctCopies.of(channels(features), ch -> {
      float[] values = new float[slices * plane];
      for (int s = 0; s < slices; s++) {
        for (int p = 0; p < plane; p++) {
          values[s * plane + p] = f[index(features, s, ch, p / w, p % w)];
        }
      }
      return FloatBuffer.wrap(values);
    });
  }

  /**
   * A 3D model's input {@code [1, C, D, H, W]} multiplied by channel {@code ch}'s map (depth first,
   * {@code [d, K, h, w]}) upsampled trilinearly to {@code [D, H, W]} and normalised over the volume.
   */
  private void maskedVolume(Tensor features, int ch, float[] x, float[] out, int at) {
    InputSpec spec = model.input();
    int d = features.dim(0);
    int h = height(features);
    int w = width(features);
    int inW = spec.width();
    int inH = spec.height();
    int depth = x.length / (spec.channels().count() * inH * inW);
    float[] f = features.unsafeData();
    float[] slices = new float[d * inH * inW];
    for (int s = 0; s < d; s++) {
      float[] plane = new float[h * w];
      for (int p = 0; p < plane.length; p++) {
        plane[p] = f[index(features, s, ch, p / w, p % w)];
      }
      System.arraycopy(Bilinear.resize(plane, w, h, inW, inH), 0, slices, s * inH * inW, inH * inW);
    }
    float[] mask = Maps.minMax(DepthResample.to(Tensor.of(slices, d, inH, inW), depth).unsafeData());
    for (int i = 0; i < x.length; i++) {
      out[at + i] = x[i] * mask[i % mask.length];
    }
  }

  /** The input with every slice multiplied by channel {@code ch}'s upsampled, normalised map. */
  private void maskedInput(Tensor features, int ch, float[] x, float[] out, int at) {
    InputSpec spec = model.input();
    int h = height(features);
    int w = width(features);
    int inW = spec.width();
    int inH = spec.height();
    int c = spec.channels().count();
    boolean nhwc = spec.layout() == Layout.NHWC;
    float[] f = features.unsafeData();
    System.arraycopy(x, 0, out, at, x.length);
    for (int s = 0; s < features.dim(0); s++) {
      float[] plane = new float[h * w];
      for (int p = 0; p < plane.length; p++) {
        plane[p] = f[index(features, s, ch, p / w, p % w)];
      }
      float[] mask = Maps.minMax(Bilinear.resize(plane, w, h, inW, inH));
      int block = s * c * inH * inW;
      for (int cc = 0; cc < c; cc++) {
        for (int p = 0; p < mask.length; p++) {
          int i = block + (nhwc ? p * c + cc : cc * inH * inW + p);
          out[at + i] = x[i] * mask[p];
        }
      }
    }
  }
}
