package dev.lumen.core.explain;

import java.util.function.BooleanSupplier;

/**
 * Hears how an explanation advances and may ask it to stop. Explainers report after every batch
 * of work (images, occluded copies, masks, path points, noisy samples) and check
 * {@link #cancelled()} at the same points; a cancelled explanation throws
 * {@link ExplanationCancelledException} and leaves nothing half-written.
 *
 * <pre>{@code
 * AtomicBoolean stop = new AtomicBoolean();
 * Progress progress = Progress.cancellable(stop::get,
 *     (stage, done, total) -> System.out.printf("%s %d/%d%n", stage, done, total));
 * explainer.explain(images, Targets.top1(), progress);   // stop.set(true) from another thread ends it
 * }</pre>
 */
@FunctionalInterface
public interface Progress {

  /** {@code done} of {@code total} units of {@code stage} (for example "rise masks") are finished. */
  void update(String stage, long done, long total);

  /** Whether the caller wants the work to stop. */
  default boolean cancelled() {
    return false;
  }

  /**
   * Reports {@code done} of {@code total} and stops the work if asked: what explainers call
   * between batches.
   *
   * @throws ExplanationCancelledException if {@link #cancelled()}
   */
  default void advance(String stage, long done, long total) {
    update(stage, done, total);
    if (cancelled()) {
      throw new ExplanationCancelledException(stage + " cancelled after " + done + " of " + total);
    }
  }

  /** Hears nothing and never stops. */
  static Progress none() {
    return (stage, done, total) -> { };
  }

  /** {@code listener}'s updates, and a stop when {@code stop} says so. */
  static Progress cancellable(BooleanSupplier stop, Progress listener) {
    return new Progress() {
      @Override
      public void update(String stage, long done, long total) {
        listener.update(stage, done, total);
      }

      @Override
      public boolean cancelled() {
        return stop.getAsBoolean();
      }
    };
  }
}
