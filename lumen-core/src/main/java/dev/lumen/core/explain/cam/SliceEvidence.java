package dev.lumen.core.explain.cam;

import dev.lumen.core.LumenException;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Head;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.List;

/**
 * Which slices of an exam a max-over-slices volume model's score rests on (the MRNet head:
 * per-slice global average pooling, the maximum over slices, a linear layer). The target's
 * logit is {@code b + sum_k w_k max_s g_k(s)}, so each channel's term belongs to the one slice
 * that wins its maximum; a slice's evidence is the sum of the terms it wins, and the slices'
 * evidence adds up to the logit less the bias.
 *
 * <pre>{@code
 * double[] perSlice = SliceEvidence.of(model, exam, model.labelIndex("acl"));
 * }</pre>
 */
public final class SliceEvidence {
  private SliceEvidence() {}

  /**
   * Every slice's share of the logit of label {@code target} on {@code volume}.
   *
   * @throws LumenException if the model's head is not pooling, max over slices and a linear layer
   */
  public static double[] of(Model model, Volume volume, int target) {
    model.requireVolume(volume.source());
    Head head;
    try {
      head = model.head();
    } catch (Head.NotLinearHead e) {
      throw new LumenException(model.name() + ": slice evidence needs a head of global average pooling, a max over "
          + "slices and a linear layer; " + e.getMessage());
    }
    if (!head.sliceMax() || head.weights().isEmpty()) {
      throw new LumenException(model.name() + ": slice evidence needs a max over slices between the pooling and a "
          + "linear layer, as MRNet's heads have");
    }
    Tensor features = model.run(model.preprocessor().toInput(volume.slices()), List.of(head.feature()))
        .get(head.feature());
    if (features.rank() != 4 || features.dim(0) != volume.depth()) {
      throw new LumenException(model.name() + ": " + head.feature() + " has shape " + features
          + ", not one feature map per slice of an exam of " + volume.depth());
    }
    boolean nhwc = head.layout() == Layout.NHWC;
    int slices = features.dim(0);
    int channels = nhwc ? features.dim(3) : features.dim(1);
    int positions = features.size() / slices / channels;
    float[] f = features.unsafeData();
    double[][] pooled = new double[slices][channels];
    for (int s = 0; s < slices; s++) {
      for (int k = 0; k < channels; k++) {
        double sum = 0;
        for (int p = 0; p < positions; p++) {
          sum += f[nhwc ? (s * positions + p) * channels + k : (s * channels + k) * positions + p];
        }
        pooled[s][k] = sum / positions;
      }
    }
    Tensor weights = head.weights().get();
    if (weights.dim(1) != channels) {
      throw new LumenException(model.name() + ": the linear layer takes " + weights.dim(1) + " features but "
          + head.feature() + " has " + channels + " channels");
    }
    double[] evidence = new double[slices];
    for (int k = 0; k < channels; k++) {
      int winner = 0;
      for (int s = 1; s < slices; s++) {
        winner = pooled[s][k] > pooled[winner][k] ? s : winner;
      }
      evidence[winner] += weights.get(target * channels + k) * pooled[winner][k];
    }
    return evidence;
  }
}
