package dev.lumen.core.train;

import dev.lumen.core.explain.FeatureSlices;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The globally average-pooled feature map of a layer: what a linear head on that layer sees.
 * For exams of plane models, each slice is pooled and the exam takes the maximum over slices,
 * as in MRNet; a 3D CNN's layer is pooled over all three of its spatial axes.
 */
public final class PooledFeatures {
  private PooledFeatures() {}

  /** One row of {@code K} pooled values per image. */
  public static float[][] of(Model model, String layer, Layout layout, List<Image> images) {
    List<float[]> rows = new ArrayList<>();
    for (List<Image> batch : model.batches(images)) {
      Tensor features = model.run(model.preprocessor().toInput(batch), List.of(layer)).get(layer);
      FeatureSlices slices = FeatureSlices.of(features, layout);
      for (int s = 0; s < slices.slices(); s++) {
        rows.add(pooled(slices, s));
      }
    }
    return rows.toArray(float[][]::new);
  }

  /**
   * One row per exam: per channel, the largest of its slices' averages; of a 3D CNN's volume
   * ({@code [1, K, d, h, w]} at the layer), the channel's average over the whole volume.
   */
  public static float[] of(Model model, String layer, Layout layout, Volume exam) {
    Tensor features = model.run(model.preprocessor().toInput(exam.slices()), List.of(layer)).get(layer);
    if (model.input().volumetric()) {
      int channels = features.dim(1);
      int voxels = features.size() / channels;
      float[] out = new float[channels];
      for (int k = 0; k < channels; k++) {
        double sum = 0;
        for (int i = 0; i < voxels; i++) {
          sum += features.unsafeData()[k * voxels + i];
        }
        out[k] = (float) (sum / voxels);
      }
      return out;
    }
    FeatureSlices slices = FeatureSlices.of(features, layout);
    float[] out = pooled(slices, 0);
    for (int s = 1; s < slices.slices(); s++) {
      float[] row = pooled(slices, s);
      for (int k = 0; k < out.length; k++) {
        out[k] = Math.max(out[k], row[k]);
      }
    }
    return out;
  }

  private static float[] pooled(FeatureSlices slices, int s) {
    float[][] channels = slices.slice(s);
    float[] out = new float[channels.length];
    for (int k = 0; k < channels.length; k++) {
      double sum = 0;
      for (float v : channels[k]) {
        sum += v;
      }
      out[k] = (float) (sum / channels[k].length);
    }
    return out;
  }
}
