package dev.lumen.spark;

import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.runtime.EngineOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The models an executor has loaded: one per task thread and file, kept for the executor's life
 * and reused by every partition that thread runs, so the model and the explainers' compiled
 * graphs are built once per core rather than once per partition.
 */
final class ExecutorModels {
  private static final ThreadLocal<Map<String, Model>> LOADED = ThreadLocal.withInitial(HashMap::new);

  private ExecutorModels() {}

  /**
   * The model of {@code file} (with the card beside it) for this thread, running on
   * {@code threads} threads (a task's cores) and {@code batch} images per run.
   */
  static Model get(String file, int threads, int batch) {
    return LOADED.get().computeIfAbsent(file + "|" + threads + "|" + batch, k -> Model.load(Path.of(file),
        ModelCard.besideModel(Path.of(file)), EngineOptions.defaults().withIntraOpThreads(threads)
            .withBatchSize(batch)));
  }
}
