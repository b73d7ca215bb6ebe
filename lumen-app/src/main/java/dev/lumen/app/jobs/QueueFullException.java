package dev.lumen.app.jobs;

/** The job queue is full: the server answers 503 with Retry-After. */
public final class QueueFullException extends RuntimeException {
  /** The queue has no room. */
  public QueueFullException() {
    super("the job queue is full; try again shortly");
  }
}
