package dev.lumen.core;

import java.nio.file.Path;

/**
 * Checks, before a large allocation, that the JVM's heap can hold it: a study too large for the
 * heap is refused with its size and the limit instead of failing halfway with
 * {@link OutOfMemoryError}. The limit is what the heap has free now (its maximum less what is
 * in use), which {@code -Xmx} raises.
 */
public final class MemoryBudget {
  private MemoryBudget() {}

  /**
   * Fails unless {@code bytes} fit in the free heap.
   *
   * @param file the study the memory is for, named in the message
   * @param bytes the estimated memory
   * @param what what the memory is for, e.g. "decoding 16000x16000 RGB pixels"
   * @throws LumenException naming the file, the estimate and the limit
   */
  public static void require(Path file, long bytes, String what) {
    Runtime runtime = Runtime.getRuntime();
    long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    if (bytes > free) {
      System.gc();
      free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }
    if (bytes > free) {
      throw new LumenException(file, what + " needs about " + mib(bytes) + " MiB of memory, more than the "
          + mib(free) + " MiB free of this JVM's " + mib(runtime.maxMemory()) + " MiB heap; use a smaller study, "
          + "or a larger heap (JAVA_OPTS=-Xmx...)");
    }
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
