package dev.lumen.spark;

import dev.lumen.app.batch.BatchExplainer;
import dev.lumen.app.batch.BatchSettings;
import dev.lumen.app.batch.ResultRow;
import dev.lumen.app.batch.ResultTable;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * What each Spark task runs on its partition: the studies in chunks of the batch size through
 * {@link BatchExplainer}, exactly as {@code lumen batch} runs them, into rows of the results table.
 */
final class ExplainPartition implements FlatMapFunction<Iterator<StudyTask>, Row> {
  private final String model;
  private final String settings;
  private final String out;
  private final int threads;
  private final int batch;
  private final Broadcast<Set<String>> done;

  /**
   * @param settings the {@link BatchSettings} as JSON
   * @param done the keys the table held when the job started
   */
  ExplainPartition(String model, String settings, String out, int threads, int batch, Broadcast<Set<String>> done) {
    this.model = model;
    this.settings = settings;
    this.out = out;
    this.threads = threads;
    this.batch = batch;
    this.done = done;
  }

  @Override
  public Iterator<Row> call(Iterator<StudyTask> studies) {
    Model loaded = ExecutorModels.get(model, threads, batch);
    BatchSettings batchSettings = BatchSettings.fromJson(settings);
    ResultTable table = new ResultTable(batchSettings.qualityFields());
    List<Row> rows = new ArrayList<>();
    try (BatchExplainer explainer = new BatchExplainer(loaded, batchSettings, Path.of(out))) {
      List<BatchExplainer.Loaded> chunk = new ArrayList<>();
      while (studies.hasNext()) {
        chunk.add(explainer.load(studies.next().study(), done.value()));
        if (chunk.size() == batch || !studies.hasNext()) {
          for (ResultRow row : explainer.explain(chunk, done.value(), Progress.none())) {
            rows.add(RowFactory.create(table.values(row).toArray()));
          }
          chunk.clear();
        }
      }
    }
    return rows.iterator();
  }
}
