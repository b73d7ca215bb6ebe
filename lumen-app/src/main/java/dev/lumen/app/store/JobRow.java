package dev.lumen.app.store;

/**
 * A job as stored: enough to show it, and to run it again after a restart.
 *
 * @param id the job's id
 * @param kind what it does, e.g. {@code explain}
 * @param request its request as JSON
 * @param state where it is
 * @param error why it failed (when it did)
 * @param result what it made, as JSON (when done)
 * @param createdAt when it was submitted (epoch milliseconds)
 * @param startedAt when it started, or null
 * @param finishedAt when it ended, or null
 */
public record JobRow(String id, String kind, String request, JobState state, String error, String result,
                     long createdAt, Long startedAt, Long finishedAt) {

  /** This job in {@code newState} with {@code newError}, {@code newResult} and the times it has then. */
  public JobRow moved(JobState newState, String newError, String newResult, long now) {
    Long started = newState == JobState.RUNNING ? Long.valueOf(now) : startedAt;
    Long finished = newState.ended() ? Long.valueOf(now) : null;
    return new JobRow(id, kind, request, newState, newError, newResult, createdAt, started, finished);
  }
}
