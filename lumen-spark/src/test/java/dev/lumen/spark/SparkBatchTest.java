package dev.lumen.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.app.batch.BatchJob;
import dev.lumen.app.batch.BatchSettings;
import dev.lumen.app.batch.ResultRow;
import dev.lumen.app.batch.ResultTable;
import dev.lumen.app.cli.Lumen;
import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.app.service.MethodSettings;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.runtime.EngineOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job in local mode gives exactly the rows {@code lumen batch} gives on the same
 * studies, a corrupt study among them included (a failure row; the job does not fail), a
 * second run finds everything done, and {@code lumen batch --engine spark} gives them too.
 */
class SparkBatchTest {
  @Test
  void sparkGivesTheRowsOfLumenBatch(@TempDir Path tmp) throws IOException {
    Path model = demo("chest-findings.onnx", tmp);
    demo("chest-findings.lumen.json", tmp);
    ChestDataset.write(tmp.resolve("data"), 12, 8, 256, 0);
    Path studies = tmp.resolve("data/images");
    byte[] png = Files.readAllBytes(studies.resolve("0005.png"));
    Files.write(studies.resolve("0005.png"), Arrays.copyOf(png, png.length / 2));
    BatchSettings settings = new BatchSettings(List.of("gradcam", "saliency"), MethodSettings.defaults(), "top:2",
        List.of("sparseness"), QualityMeasures.Settings.defaults(), null);
    int batch = 4;

    Path local = tmp.resolve("local");
    try (Model m = Model.load(model, ModelCard.besideModel(model), EngineOptions.defaults().withBatchSize(batch))) {
      BatchJob.run(m, studies, settings, local, Progress.none());
    }
    Path spread = tmp.resolve("spark");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("lumen-batch-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
    try {
      assertEquals(11 * 2 * 2 + 2, SparkBatch.run(spark, model, studies, settings, spread, batch));
      assertEquals(0, SparkBatch.run(spark, model, studies, settings, spread, batch), "a rerun has nothing to do");
    } finally {
      spark.stop();
    }
    List<ResultRow> expected = sorted(ResultTable.readAll(local.resolve(BatchJob.RESULTS)));
    List<ResultRow> actual = sorted(ResultTable.readAll(spread.resolve(BatchJob.RESULTS)));
    assertEquals(expected, actual);
    assertEquals(2, actual.stream().filter(r -> r.error() != null && r.error().contains("0005.png")).count());

    // the command line's engine: its own session, the same rows again
    Path viaCli = tmp.resolve("cli");
    assertEquals(0, Lumen.commandLine().execute("batch", model.toString(), studies.toString(), "-o",
        viaCli.toString(), "-m", "gradcam,saliency", "--top", "2", "--quality", "sparseness", "--batch", "4",
        "--engine", "spark", "--master", "local[2]"));
    assertEquals(expected, sorted(ResultTable.readAll(viaCli.resolve(BatchJob.RESULTS))));
    for (ResultRow row : actual.stream().filter(r -> r.error() == null).toList()) {
      assertTrue(Files.isRegularFile(spread.resolve(row.map())), row.map());
      assertEquals(-1L, Files.mismatch(local.resolve(row.map()), spread.resolve(row.map())), "the same map file");
    }
  }

  private static Path demo(String name, Path dir) throws IOException {
    try (InputStream in = SparkBatchTest.class.getResourceAsStream("/dev/lumen/app/demo/" + name)) {
      Path target = dir.resolve(name);
      Files.copy(in, target);
      return target;
    }
  }

  private static List<ResultRow> sorted(List<ResultRow> rows) {
    return rows.stream().sorted(Comparator.comparing(ResultRow::key).thenComparing(r -> String.valueOf(r.target())))
        .toList();
  }
}
