package dev.lumen.core.train;

import dev.lumen.core.model.Task;
import java.util.List;

/**
 * A trained linear head on pooled features: {@code logits = W f + b}, then softmax (multi-class)
 * or sigmoid (multi-label).
 *
 * @param weights {@code [classes][features]}
 * @param bias one per class
 * @param task multi-class or multi-label
 * @param labels one name per class
 * @param epochs the epochs trained (early stopping keeps the best)
 * @param validationLoss the best validation loss (NaN without a validation split)
 * @param validationAccuracy accuracy on the validation split at that epoch (per label for multi-label)
 */
public record LinearHead(float[][] weights, float[] bias, Task task, List<String> labels, int epochs,
                         double validationLoss, double validationAccuracy) {

  /** The probabilities of one feature row. */
  public double[] probabilities(float[] features) {
    double[] z = new double[bias.length];
    for (int c = 0; c < z.length; c++) {
      double v = bias[c];
      for (int k = 0; k < features.length; k++) {
        v += weights[c][k] * features[k];
      }
      z[c] = v;
    }
    return HeadTrainer.activate(z, task);
  }
}
