package dev.lumen.spark;

import dev.lumen.app.batch.BatchDataset;
import dev.lumen.app.batch.BatchJob;
import dev.lumen.app.batch.BatchSettings;
import dev.lumen.app.batch.BatchStudy;
import dev.lumen.app.batch.ResultTable;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code lumen batch} as a Spark job: the dataset listed and the run's folder readied on the
 * driver as on one machine, the studies not yet done spread over partitions, each explained by
 * {@link ExplainPartition} with the same code, and the rows appended to the same results table
 * (Spark's commit makes a job's parts appear together, or none). {@code OUT} and the studies
 * must be on a file system every executor sees (a shared mount), since the maps are written there.
 */
public final class SparkBatch {
  private SparkBatch() {}

  /**
   * Explains every study of {@code dataset} with the model of {@code modelFile} into {@code out}.
   *
   * @param batch images per model run (the partition's chunks)
   * @return the rows written
   */
  public static long run(SparkSession spark, Path modelFile, Path dataset, BatchSettings settings, Path out,
      int batch) throws IOException {
    List<StudyTask> tasks = new ArrayList<>();
    Set<String> done;
    try (Model model = Model.load(modelFile, ModelCard.besideModel(modelFile),
        dev.lumen.core.runtime.EngineOptions.defaults().withBatchSize(batch))) {
      done = BatchJob.prepare(model, settings, out);
      for (BatchStudy study : BatchDataset.read(dataset, model.input().volume(), model.labels())) {
        tasks.add(StudyTask.of(study));
      }
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int threads = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    int partitions = Math.max(1, Math.min(tasks.size(), context.defaultParallelism() * 4));
    Broadcast<Set<String>> keys = context.broadcast(new HashSet<>(done));
    JavaRDD<Row> rows = context.parallelize(tasks, partitions).mapPartitions(new ExplainPartition(
        modelFile.toAbsolutePath().toString(), settings.toJson(), out.toAbsolutePath().toString(), threads, batch,
        keys));
    var frame = spark.createDataFrame(rows, schema(new ResultTable(settings.qualityFields())));
    frame.cache();
    long count = frame.count();
    frame.write().mode(SaveMode.Append).parquet(out.resolve(BatchJob.RESULTS).toAbsolutePath().toString());
    frame.unpersist();
    return count;
  }

  /** The results table's columns as Spark types: strings, doubles, integers and booleans, all nullable. */
  static StructType schema(ResultTable table) {
    List<StructField> fields = new ArrayList<>();
    for (Type column : table.schema().getFields()) {
      PrimitiveType.PrimitiveTypeName type = column.asPrimitiveType().getPrimitiveTypeName();
      DataType spark = switch (type) {
        case BINARY -> DataTypes.StringType;
        case DOUBLE -> DataTypes.DoubleType;
        case INT32 -> DataTypes.IntegerType;
        case BOOLEAN -> DataTypes.BooleanType;
        default -> throw new IllegalStateException("no Spark type for " + column);
      };
      fields.add(DataTypes.createStructField(column.getName(), spark, true));
    }
    return DataTypes.createStructType(fields);
  }
}
