package dev.lumen.core.runtime;

/**
 * How ONNX Runtime runs Lumen's graphs.
 *
 * @param intraOpThreads threads one operator may use; 0 lets ONNX Runtime choose (one per core)
 * @param interOpThreads threads for running independent operators in parallel; 0 lets ONNX
 *     Runtime choose
 * @param batchSize how many images or slices go into one run
 */
public record EngineOptions(int intraOpThreads, int interOpThreads, int batchSize) {
  public EngineOptions {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException(
          "thread counts must be >= 0 (0 = ONNX Runtime's choice), got " + intraOpThreads + " and " + interOpThreads);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
  }

  /** ONNX Runtime's thread choice and batches of 16. */
  public static EngineOptions defaults() {
    return new EngineOptions(0, 0, 16);
  }

  /** These options with another intra-op thread count. */
  public EngineOptions withIntraOpThreads(int threads) {
    return new EngineOptions(threads, interOpThreads, batchSize);
  }

  /** These options with another batch size. */
  public EngineOptions withBatchSize(int size) {
    return new EngineOptions(intraOpThreads, interOpThreads, size);
  }
}
