package dev.lumen.core.explain.cam;

import dev.lumen.core.explain.LayerChoice;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Head;
import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Class-selective relevance mapping (Kim, Rajaraman &amp; Antani, "Visual Interpretation of
 * Convolutional Neural Network Predictions in Classifying Medical Image Modalities", 2019).
 * {@code S_c(l,m)} is the score of class {@code c} with spatial element {@code (l,m)} removed
 * (set to zero) from every feature map of the explained layer; the class-based map of {@code c}
 * is {@code (S_c - S_c(l,m))^2} and the combined map {@code sum_c (S_c - S_c(l,m))^2}.
 *
 * <p>Cost: for a head of global average pooling + linear layer whose output is the model's output
 * (logits), the closed form {@code S_c - S_c(l,m) = CAM_c(l,m) / (h w)} needs no extra run. Any
 * other head is re-evaluated on the modified features: one run per spatial element (per slice
 * for volumes, per voxel for 3D models) of only the layers above the explained layer, batched.
 */
public final class Crm extends FeatureMapExplainer {
  private final boolean combined;
  private final Head linearHead;

  private Crm(Model model, LayerChoice choice, boolean combined, Head linearHead) {
    super(model, choice.layer(), choice.layout());
    this.combined = combined;
    this.linearHead = linearHead;
  }

  /**
   * CRM at the model's default layer.
   *
   * @param combined true for the combined map over all classes (the same map for every target),
   *     false for the class-based map of each target
   */
  public static Crm of(Model model, boolean combined) {
    return new Crm(model, LayerChoice.of(model), combined, closedFormHead(model).orElse(null));
  }

  /**
   * CRM at the feature map {@code layer}; the closed form serves only the layer a linear head
   * pools, any other layer re-evaluates the part of the model above it.
   */
  public static Crm at(Model model, String layer, boolean combined) {
    LayerChoice choice = LayerChoice.at(model, layer);
    Head head = closedFormHead(model).filter(h -> h.feature().equals(choice.layer())).orElse(null);
    return new Crm(model, choice, combined, head);
  }

  /** CRM that always re-evaluates the head: the general path, for checking the closed form. */
  static Crm byHeadRuns(Model model, boolean combined) {
    return new Crm(model, LayerChoice.of(model), combined, null);
  }

  @Override
  public String method() {
    return combined ? "crm-combined" : "crm";
  }

  /** Whether the closed form applies: a linear head with nothing after it, no slice max. */
  private static java.util.Optional<Head> closedFormHead(Model model) {
    try {
      Head head = model.head();
      boolean applies = head.weights().isPresent() && !head.sliceMax() && model.outputActivation().isEmpty()
          && (model.card().layer() == null || model.card().layer().equals(head.feature()));
      return applies ? java.util.Optional.of(head) : java.util.Optional.empty();
    } catch (Head.NotLinearHead e) {
      return java.util.Optional.empty();
    }
  }

  /** A 3D model's voxels are removed one at a time, through every channel. */
  @Override
  boolean explainsVolumetric() {
    return true;
  }

  @Override
  List<Tensor> rawMaps(Tensor features, Tensor scores, Tensor input, List<LabelScore> targets,
                       Progress progress) {
    int slices = features.dim(0);
    int h = height(features);
    int w = width(features);
    int classes = model.labels().size();
    float[][] drops = linearHead != null ? closedFormDrops(features, classes) : dropsByHeadRuns(features, scores, classes, progress);
    List<Tensor> out = new ArrayList<>();
    for (LabelScore target : targets) {
      float[] map = new float[slices * h * w];
      for (int p = 0; p < map.length; p++) {
        if (combined) {
          for (int c = 0; c < classes; c++) {
            map[p] += drops[c][p] * drops[c][p];
          }
        } else {
          float d = drops[target.index()][p];
          map[p] = d * d;
        }
      }
      out.add(Tensor.of(map, slices, h, w));
    }
    return out;
  }

  /** {@code S_c - S_c(l,m)} for every class and element: {@code [classes][slices*h*w]}. */
  private float[][] closedFormDrops(Tensor features, int classes) {
    Tensor weights = linearHead.weights().orElseThrow();
    int k = channels(features);
    // the head averages over every voxel of a 3D model's map, over one slice's positions otherwise
    float area = (model.input().volumetric() ? features.dim(0) : 1) * height(features) * width(features);
    float[][] drops = new float[classes][];
    for (int c = 0; c < classes; c++) {
      float[] row = new float[k];
      for (int ch = 0; ch < k; ch++) {
        row[ch] = weights.unsafeData()[c * k + ch] / area;
      }
      drops[c] = weightedSum(features, row).toArray();
    }
    return drops;
  }

  private float[][] dropsByHeadRuns(Tensor features, Tensor scores, int classes, Progress progress) {
    int slices = features.dim(0);
    int h = height(features);
    int w = width(features);
    int k = channels(features);
    float[] data = features.unsafeData();
    int elements = slices * h * w;
    float[][] removed = scoresAbove(elements, (e, batch, offset) -> {
      System.arraycopy(data, 0, batch, offset, data.length);
      int s = e / (h * w);
      int p = e % (h * w);
      for (int ch = 0; ch < k; ch++) {
        batch[offset + index(features, s, ch, p / w, p % w)] = 0f;
      }
    }, features, progress);
    float[][] drops = new float[classes][slices * h * w];
    for (int e = 0; e < elements; e++) {
      for (int c = 0; c < classes; c++) {
        drops[c][e] = scores.get(c) - removed[e][c];
      }
    }
    return drops;
  }
}
