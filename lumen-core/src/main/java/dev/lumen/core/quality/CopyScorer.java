package dev.lumen.core.quality;

import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import java.util.ArrayList;
import java.util.List;

/**
 * How the perturbation measures score their copies of a study (each in the {@link Voxels} layout
 * of the study they perturb): the target's probability on each. A 2D study's copies go through
 * its model in batches; a copy of one slice of an exam is scored as the whole exam with that
 * slice replaced, so an exam model's measures perturb the slice its map ranks first and keep the
 * rest of the exam; a copy of a 3D model's whole volume is scored as the volume.
 */
@FunctionalInterface
public interface CopyScorer {
  /** The probability of {@code label} on each of {@code copies}. */
  double[] probabilities(List<float[]> copies, int label);

  /** Copies of {@code image}, a study of the image model {@code model}, in batches. */
  static CopyScorer of(Model model, Image image) {
    return (copies, label) -> {
      List<Prediction> predictions = model.predict(copies.stream().map(image::withValues).toList());
      double[] out = new double[copies.size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = predictions.get(k).score(label).probability();
      }
      return out;
    };
  }

  /** Copies of slice {@code slice} of {@code exam}, each scored by the exam model {@code model} within the exam. */
  static CopyScorer slice(Model model, Volume exam, int slice) {
    Image original = exam.slices().get(slice);
    return (copies, label) -> {
      double[] out = new double[copies.size()];
      for (int k = 0; k < out.length; k++) {
        List<Image> slices = new ArrayList<>(exam.slices());
        slices.set(slice, original.withValues(copies.get(k)));
        out[k] = model.predict(new Volume(exam.source(), slices)).score(label).probability();
      }
      return out;
    };
  }

  /** Copies of the whole of {@code volume}, each scored by the volume model {@code model}. */
  static CopyScorer volume(Model model, Volume volume) {
    return (copies, label) -> {
      double[] out = new double[copies.size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = model.predict(Voxels.asVolume(copies.get(k), volume)).score(label).probability();
      }
      return out;
    };
  }
}
