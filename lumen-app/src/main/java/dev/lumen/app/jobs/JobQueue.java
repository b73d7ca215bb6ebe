package dev.lumen.app.jobs;

import dev.lumen.app.store.JobRow;
import dev.lumen.app.store.JobState;
import dev.lumen.app.store.Store;
import dev.lumen.core.LumenException;
import dev.lumen.core.explain.ExplanationCancelledException;
import dev.lumen.core.explain.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Long work as jobs: each is a row in the store (so it outlives the process), runs in a bounded
 * pool (default one at a time, each using every core through ONNX Runtime) behind a bounded
 * queue, reports its progress to listeners, and can be cancelled. A full queue refuses new
 * jobs ({@link QueueFullException}) rather than growing without bound.
 *
 * <p>On start, jobs the store lists as running were cut off by the previous process: they are
 * marked {@link JobState#INTERRUPTED}; jobs still queued are queued again.
 */
public final class JobQueue implements AutoCloseable {
  /** What a job does: given its request (JSON) and its progress, returns its result (JSON). */
  @FunctionalInterface
  public interface Work {
    String run(String request, Progress progress) throws Exception;
  }

  /** How far a running job is. */
  public record Status(String stage, long done, long total) {}

  private final Store store;
  private final Map<String, Work> kinds;
  private final ThreadPoolExecutor pool;
  private final Map<String, Status> progress = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  /** Counted down when the job of the key ends, for {@link #await}. */
  private final Map<String, CountDownLatch> endings = new ConcurrentHashMap<>();

  /**
   * A queue over {@code store} running the work of each kind in {@code kinds}, {@code workers} at
   * a time, with room for {@code capacity} waiting jobs.
   */
  public JobQueue(Store store, Map<String, Work> kinds, int workers, int capacity) {
    if (workers < 1 || capacity < 1) {
      throw new IllegalArgumentException("workers and queue capacity must be >= 1, got " + workers + ", " + capacity);
    }
    this.store = store;
    this.kinds = Map.copyOf(kinds);
    this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity));
    long now = System.currentTimeMillis();
    for (JobRow cut : store.jobs(JobState.RUNNING)) {
      store.updateJob(cut.moved(JobState.INTERRUPTED, "the server stopped while the job ran; submit it again", null,
          now));
    }
    for (JobRow waiting : store.jobs(JobState.QUEUED)) {
      schedule(waiting);
    }
  }

  /**
   * Queues a job of {@code kind} with {@code request}.
   *
   * @throws QueueFullException when the queue is full
   */
  public JobRow submit(String kind, String request) {
    if (!kinds.containsKey(kind)) {
      throw new IllegalArgumentException("unknown job kind '" + kind + "'");
    }
    if (pool.getQueue().remainingCapacity() == 0) {
      throw new QueueFullException();
    }
    JobRow job = new JobRow(UUID.randomUUID().toString(), kind, request, JobState.QUEUED, null, null,
        System.currentTimeMillis(), null, null);
    store.putJob(job);
    schedule(job);
    return job;
  }

  private void schedule(JobRow job) {
    try {
      pool.execute(() -> run(job.id()));
    } catch (RejectedExecutionException e) {
      store.updateJob(job.moved(JobState.FAILED, "the job queue was full", null, System.currentTimeMillis()));
      throw new QueueFullException();
    }
  }

  private void run(String id) {
    JobRow job = store.job(id).orElseThrow();
    if (job.state() != JobState.QUEUED) {
      return;
    }
    if (cancelled.remove(id) != null) {
      finish(job, JobState.CANCELLED, "cancelled before it started", null);
      return;
    }
    JobRow running = job.moved(JobState.RUNNING, null, null, System.currentTimeMillis());
    store.updateJob(running);
    notify(id);
    Progress hear = Progress.cancellable(() -> cancelled.containsKey(id), (stage, done, total) -> {
      progress.put(id, new Status(stage, done, total));
      notify(id);
    });
    try {
      String result = kinds.get(job.kind()).run(job.request(), hear);
      finish(running, JobState.DONE, null, result);
    } catch (ExplanationCancelledException e) {
      finish(running, JobState.CANCELLED, "cancelled", null);
    } catch (LumenException | IllegalArgumentException e) {
      finish(running, JobState.FAILED, e.getMessage(), null);
    } catch (Exception | Error e) {
      finish(running, JobState.FAILED, "internal error: " + e, null);
    } finally {
      cancelled.remove(id);
      progress.remove(id);
    }
  }

  private void finish(JobRow job, JobState state, String error, String result) {
    store.updateJob(job.moved(state, error, result, System.currentTimeMillis()));
    CountDownLatch ending = endings.remove(job.id());
    if (ending != null) {
      ending.countDown();
    }
    notify(job.id());
  }

  /** Asks job {@code id} to stop: a queued job never starts, a running one stops at its next batch. */
  public void cancel(String id) {
    store.job(id).filter(j -> !j.state().ended()).ifPresent(j -> {
      cancelled.put(id, true);
      if (j.state() == JobState.QUEUED) {
        finish(j, JobState.CANCELLED, "cancelled before it started", null);
      }
    });
  }

  /** The progress of running job {@code id}. */
  public Optional<Status> progress(String id) {
    return Optional.ofNullable(progress.get(id));
  }

  /**
   * Waits up to {@code timeout} for job {@code id} to end, and returns its row as it is then:
   * ended, or still queued or running when the time is up.
   */
  public JobRow await(String id, Duration timeout) throws InterruptedException {
    CountDownLatch ending = endings.computeIfAbsent(id, unused -> new CountDownLatch(1));
    // Read after registering: a job that ended before had its latch already counted down and
    // removed, and the store shows it ended.
    if (!store.job(id).orElseThrow().state().ended()) {
      ending.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return store.job(id).orElseThrow();
  }

  /** Calls {@code listener} with a job's id whenever the job changes or advances. */
  public void listen(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** Stops listening. */
  public void unlisten(Consumer<String> listener) {
    listeners.remove(listener);
  }

  private void notify(String id) {
    listeners.forEach(l -> l.accept(id));
  }

  /** Stops taking jobs and waits briefly for the running ones; the store keeps the rest queued. */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
