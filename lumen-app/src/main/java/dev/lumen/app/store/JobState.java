package dev.lumen.app.store;

import java.util.Arrays;
import java.util.Locale;

/** Where a job is: waiting, running, or ended one of four ways. */
public enum JobState {
  QUEUED, RUNNING, DONE, FAILED, CANCELLED,
  /** It was running when the server stopped; it can be run again. */
  INTERRUPTED;

  /** The word the store and the API use. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state named {@code word}. */
  public static JobState of(String word) {
    return Arrays.stream(values()).filter(s -> s.word().equals(word)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown job state '" + word + "'"));
  }

  /** Whether the job has ended. */
  public boolean ended() {
    return this != QUEUED && this != RUNNING;
  }
}
