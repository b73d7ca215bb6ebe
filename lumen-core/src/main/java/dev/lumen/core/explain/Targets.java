package dev.lumen.core.explain;

import dev.lumen.core.model.LabelScore;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.Prediction;
import java.util.List;

/**
 * Which labels to explain for each image: the top {@code k} predicted labels, all labels, or
 * the labels given by name or index.
 */
public sealed interface Targets {

  /** The labels of {@code prediction} to explain, resolved against {@code model}'s labels. */
  List<LabelScore> select(Model model, Prediction prediction);

  /** The most targets this selects from a model with {@code labels} labels. */
  int count(int labels);

  /** The most probable label: what explainers do when no target is given. */
  static Targets top1() {
    return new Top(1);
  }

  /** The {@code k} most probable labels. */
  static Targets top(int k) {
    return new Top(k);
  }

  /** Every label. */
  static Targets all() {
    return new All();
  }

  /** The labels named (or numbered) in {@code labels}. */
  static Targets labels(List<String> labels) {
    return new Named(labels);
  }

  /** The {@code k} most probable labels. */
  record Top(int k) implements Targets {
    public Top {
      if (k < 1) {
        throw new IllegalArgumentException("top k must be >= 1, got " + k);
      }
    }

    @Override
    public List<LabelScore> select(Model model, Prediction prediction) {
      return prediction.top(k);
    }

    @Override
    public int count(int labels) {
      return Math.min(k, labels);
    }
  }

  /** Every label. */
  record All() implements Targets {
    @Override
    public List<LabelScore> select(Model model, Prediction prediction) {
      return prediction.scores();
    }

    @Override
    public int count(int labels) {
      return labels;
    }
  }

  /** Labels by name or index. */
  record Named(List<String> labels) implements Targets {
    public Named {
      labels = List.copyOf(labels);
      if (labels.isEmpty()) {
        throw new IllegalArgumentException("name at least one target label");
      }
    }

    @Override
    public List<LabelScore> select(Model model, Prediction prediction) {
      List<Integer> indices = labels.stream().map(model::labelIndex).toList();
      for (int i = 0; i < indices.size(); i++) {
        if (indices.indexOf(indices.get(i)) != i) {
          throw new IllegalArgumentException("target '" + labels.get(i) + "' is named twice (as '"
              + labels.get(indices.indexOf(indices.get(i))) + "' too)");
        }
      }
      return indices.stream().map(prediction::score).toList();
    }

    @Override
    public int count(int labels) {
      return this.labels.size();
    }
  }
}
