package dev.lumen.core.explain;

/** Thrown by an explainer whose {@link Progress} asked it to stop. */
public final class ExplanationCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A cancellation saying where the work stood. */
  public ExplanationCancelledException(String message) {
    super(message);
  }
}
