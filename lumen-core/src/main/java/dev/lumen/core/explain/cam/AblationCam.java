package dev.lumen.core.explain.cam;

import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Ablation-CAM (Desai &amp; Ramaswamy, WACV 2020): the weight of feature map {@code k} for class
 * {@code c} is the relative drop of the score when the map is set to zero,
 * {@code w_k = (y_c - y_c^k) / y_c}, and the map is {@code ReLU(sum_k w_k F_k)}. Scores are the
 * model's outputs.
 *
 * <p>Cost: one forward pass per batch, then one run per channel of only the layers above the
 * explained layer (batched) — the reference Python library re-runs the whole network for each.
 * Every target comes from the same runs. Volume models ablate a channel in every slice at once,
 * 3D models through the whole volume.
 */
public final class AblationCam extends FeatureMapExplainer {
  private AblationCam(Model model, LayerChoice choice) {
    super(model, choice.layer(), choice.layout());
  }

  /** Ablation-CAM at the model's default explanation layer (works with any head). */
  public static AblationCam of(Model model) {
    return new AblationCam(model, LayerChoice.of(model));
  }

  /** Ablation-CAM at the feature map {@code layer} ({@link LayerChoice#at}). */
  public static AblationCam at(Model model, String layer) {
    return new AblationCam(model, LayerChoice.at(model, layer));
  }

  @Override
  public String method() {
    return "ablationcam";
  }

  /** A channel is ablated through the whole 3D map at once. */
  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  List<Tensor> rawMaps(Tensor features, Tensor scores, Tensor input, List<LabelScore> targets,
                       Progress progress) {
    int k = channels(features);
    int h = height(features);
    int w = width(features);
    float[] data = features.unsafeData();
    float[][] ablated = scoresAbove(k, (ch, batch, offset) -> {
      System.arraycopy(data, 0, batch, offset, data.length);
      for (int s = 0; s < features.dim(0); s++) {
        for (int p = 0; p < h * w; p++) {
          batch[offset + index(features, s, ch, p / w, p % w)] = 0f;
        }
      }
    }, features, progress);
    List<Tensor> out = new ArrayList<>();
    for (LabelScore target : targets) {
      int c = target.index();
      float y = scores.get(c);
      float denominator = Math.abs(y) < 1e-12f ? 1e-12f : y;
      float[] weights = new float[k];
      for (int ch = 0; ch < k; ch++) {
        weights[ch] = (y - ablated[ch][c]) / denominator;
      }
      float[] map = weightedSum(features, weights).toArray();
      for (int i = 0; i < map.length; i++) {
        map[i] = Math.max(0f, map[i]);
      }
      out.add(Tensor.of(map, features.dim(0), h, w));
    }
    return out;
  }
}
