package dev.lumen.app.service;

import dev.lumen.core.explain.Explainer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * Explainers kept open between requests, by what they were made from (model, method, settings,
 * layer): creating one compiles its graphs into sessions, and a session's first runs are slower
 * than the rest, which together cost a server request as much as a Grad-CAM itself. An
 * explainer serves one request at a time: it is taken out while it works and given back after,
 * and only idle ones are kept, at most {@code capacity}, the least recently used closed first.
 * Explainers hold no state between calls (seeded ones draw from their seed on every call), so an
 * explainer used before gives what a new one gives.
 */
final class OpenExplainers implements AutoCloseable {
  private record Idle(String key, Explainer explainer) {}

  private final int capacity;
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;

  /** Keeps up to {@code capacity} idle explainers. */
  OpenExplainers(int capacity) {
    this.capacity = capacity;
  }

  /** An idle explainer made from {@code key}, taken out, or a new one from {@code create}. */
  Explainer take(String key, Supplier<Explainer> create) {
    synchronized (this) {
      Iterator<Idle> newestFirst = idle.descendingIterator();
      while (newestFirst.hasNext()) {
        Idle i = newestFirst.next();
        if (i.key().equals(key)) {
          newestFirst.remove();
          return i.explainer();
        }
      }
    }
    return create.get();
  }

  /** Gives back an explainer taken for {@code key}, closing the least recently used beyond capacity. */
  void giveBack(String key, Explainer explainer) {
    Idle oldest = new Idle(key, explainer);
    synchronized (this) {
      if (!closed) {
        idle.addLast(oldest);
        oldest = idle.size() > capacity ? idle.removeFirst() : null;
      }
    }
    if (oldest != null) {
      oldest.explainer().close();
    }
  }

  /** Closes every idle explainer, and those taken out when they are given back. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      idle.forEach(i -> i.explainer().close());
      idle.clear();
    }
  }
}
