package dev.lumen.core.autodiff;

import dev.lumen.core.onnx.Node;

/**
 * How one operator passes gradients back: which of its inputs can receive one, and the nodes
 * that compute them from its outputs' gradients.
 *
 * @param flow the inputs a gradient can reach
 * @param backward emits the input gradients of one node (absent for {@link Flow#NONE})
 */
record BackwardRule(Flow flow, Backward backward) {

  /** Which inputs gradients flow to. */
  enum Flow {
    /** Only the first (data) input: the others are weights, shapes or settings. */
    FIRST,
    /** Every input. */
    ALL,
    /** None: the output is piecewise constant in the inputs (shapes, comparisons, indices). */
    NONE
  }

  /** Emits the input gradients of {@code node}, reading its output gradients from {@code b}. */
  @FunctionalInterface
  interface Backward {
    void apply(Node node, Backprop b);
  }

  /** A rule whose gradient reaches only the first input. */
  static BackwardRule first(Backward backward) {
    return new BackwardRule(Flow.FIRST, backward);
  }

  /** A rule whose gradient reaches every input. */
  static BackwardRule every(Backward backward) {
    return new BackwardRule(Flow.ALL, backward);
  }

  /** An operator no gradient passes through. */
  static BackwardRule none() {
    return new BackwardRule(Flow.NONE, (node, b) -> { });
  }

  /** Whether a gradient can reach input {@code input}. */
  boolean differentiable(int input) {
    return flow == Flow.ALL || (flow == Flow.FIRST && input == 0);
  }
}
