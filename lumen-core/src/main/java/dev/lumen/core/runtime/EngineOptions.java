package dev.lumen.core.runtime;

/**
 * How ONNX Runtime runs Lumen's graphs.
 *
 * @param intraOpThreads threads one operator may use; 0 lets ONNX Runtime choose (one per core)
 * @param interOpThreads threads for running independent operators in parallel; 0 lets ONNX
 *     Runtime choose
 * @param batchSize how many images or slices go into one run
 * @param spinning whether idle intra-op threads spin awaiting the next run: faster for one
 *     session run back to back (a batch, a script), slower when several sessions take turns on
 *     the cores, as in the server (docs/design.md, "Thread spinning")
 */
public record EngineOptions(int intraOpThreads, int interOpThreads, int batchSize, boolean spinning) {
  public EngineOptions {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException(
          "thread counts must be >= 0 (0 = ONNX Runtime's choice), got " + intraOpThreads + " and " + interOpThreads);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
  }

  /** ONNX Runtime's thread choice, spinning threads and batches of 16. */
  public static EngineOptions defaults() {
    return new EngineOptions(0, 0, 16, true);
  }

  /** These options with another intra-op thread count. */
  public EngineOptions withIntraOpThreads(int threads) {
    return new EngineOptions(threads, interOpThreads, batchSize, spinning);
  }

  /** These options with another batch size. */
  public EngineOptions withBatchSize(int size) {
    return new EngineOptions(intraOpThreads, interOpThreads, size, spinning);
  }

  /** These options with threads that sleep when idle. */
  public EngineOptions withoutSpinning() {
    return new EngineOptions(intraOpThreads, interOpThreads, batchSize, false);
  }
}
