package dev.lumen.spark;

import dev.lumen.app.batch.BatchEngine;
import dev.lumen.app.batch.BatchSettings;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** {@code lumen batch --engine spark}: {@link SparkBatch} in a session of its own. */
public final class SparkEngine implements BatchEngine {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public long run(Path model, Path dataset, BatchSettings settings, Path out, int batch, String master)
      throws IOException {
    SparkSession.Builder builder = SparkSession.builder().appName("lumen batch");
    if (!new SparkConf().contains("spark.master")) {
      builder.master(master);   // spark-submit's --master wins
    }
    SparkSession spark = builder.getOrCreate();
    try {
      return SparkBatch.run(spark, model, dataset, settings, out, batch);
    } finally {
      spark.stop();
    }
  }
}
