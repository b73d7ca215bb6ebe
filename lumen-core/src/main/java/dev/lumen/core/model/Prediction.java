package dev.lumen.core.model;

import java.util.Comparator;
import java.util.List;

/**
 * A model's scores for one image or exam.
 *
 * @param source the image or exam, as a file name
 * @param task what the scores mean
 * @param scores one entry per label, in the model's output order
 */
public record Prediction(String source, Task task, List<LabelScore> scores) {
  public Prediction {
    scores = List.copyOf(scores);
  }

  /** The {@code k} most probable labels, most probable first. */
  public List<LabelScore> top(int k) {
    return scores.stream()
        .sorted(Comparator.comparingDouble(LabelScore::probability).reversed()
            .thenComparingInt(LabelScore::index))
        .limit(k).toList();
  }

  /** The most probable label. */
  public LabelScore best() {
    return top(1).get(0);
  }

  /** The score of the label at {@code index}. */
  public LabelScore score(int index) {
    return scores.get(index);
  }
}
