package dev.lumen.core.autodiff;

/**
 * Which scores a compiled gradient graph differentiates: K seed rows over the score tensor,
 * each a weighting of the scores; row k's gradients come out as slice k of every gradient.
 */
public sealed interface Seed {

  /**
   * Seed rows given at run time through the input {@link Autodiff#SEED}, shaped
   * {@code [K, ...score shape]}: a one-hot row explains one label, any other row a weighted sum.
   */
  static Seed given() {
    return new Given();
  }

  /**
   * The one-hot rows of each item's {@code k} highest scores, chosen inside the graph in the
   * same run (the chosen label indices come out as {@link Autodiff#TARGETS}, {@code [N, k]}).
   */
  static Seed topK(int k) {
    return new TopK(k);
  }

  /** One-hot rows of {@code labels}, the same for every item, fixed in the graph. */
  static Seed labels(int... labels) {
    return new Labels(labels.clone());
  }

  /** Seed rows fed at run time. */
  record Given() implements Seed {}

  /** Fixed labels for every item. */
  record Labels(int[] labels) implements Seed {
    public Labels {
      if (labels.length == 0) {
        throw new IllegalArgumentException("name at least one label");
      }
    }

    @Override
    public String toString() {
      return "Labels" + java.util.Arrays.toString(labels);
    }
  }

  /** The top {@code k} labels of every item. */
  record TopK(int k) implements Seed {
    public TopK {
      if (k < 1) {
        throw new IllegalArgumentException("top k must be >= 1, got " + k);
      }
    }
  }
}
