package dev.lumen.app.cli;

import static dev.lumen.app.cli.CliTest.lumen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.batch.BatchJob;
import dev.lumen.app.batch.ResultRow;
import dev.lumen.app.batch.ResultTable;
import dev.lumen.app.cli.CliTest.Run;
import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.demodata.KneeDataset;
import dev.lumen.core.io.Npy;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lumen batch}: one row per study, target and method whose numbers are those of the map
 * files and of {@code lumen evaluate}; a rerun after an interruption finishes with the same rows;
 * a corrupt study is a failure row and the run goes on; other settings on the same folder and a
 * folder of several MRNet planes are refused; exams give a row per exam with the peak's slice.
 */
class BatchTest {
  @TempDir
  static Path models;
  static Path findings;

  @BeforeAll
  static void copyModels() throws IOException {
    findings = DemoResources.copy("chest-findings.onnx", models);
    DemoResources.copy("chest-findings.lumen.json", models);
  }

  @Test
  void everyRowAgreesWithItsMapFileAndWithEvaluate(@TempDir Path tmp) throws IOException {
    ChestDataset.write(tmp.resolve("data"), 10, 3, 256, 0);
    Path csv = tmp.resolve("data/train.csv");
    Path out = tmp.resolve("run");
    Run r = lumen("batch", findings.toString(), csv.toString(), "-o", out.toString(), "-m", "gradcam,saliency",
        "--all", "--quality", "sparseness,hit-rate");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("10 studies, 10 explained, 0 failed, 0 done before; 80 rows"), r.out());
    List<ResultRow> rows = ResultTable.readAll(out.resolve(BatchJob.RESULTS));
    assertEquals(10 * 2 * 4, rows.size());
    for (ResultRow row : rows) {
      assertNull(row.error());
      float[] map = Npy.read(out.resolve(row.map())).tensor().unsafeData();
      assertEquals(256 * 256, map.length);
      int peak = 0;
      for (int i = 0; i < map.length; i++) {
        peak = map[i] > map[peak] ? i : peak;
      }
      assertEquals(peak % 256, row.peakX(), row.toString());
      assertEquals(peak / 256, row.peakY(), row.toString());
      assertEquals(0, row.peakSlice());
      float[] sorted = map.clone();
      Arrays.sort(sorted);
      double top = 0;
      double all = 0;
      for (int i = 0; i < sorted.length; i++) {
        all += sorted[i];
        top += i >= sorted.length - Math.ceil(0.05 * sorted.length) ? sorted[i] : 0;
      }
      assertEquals(top / all, row.topEnergy(), 1e-9);
      assertTrue(Files.isRegularFile(out.resolve(row.rawMap())));
      double sparseness = row.quality().get("sparseness");
      assertTrue(sparseness >= 0 && sparseness <= 1, row.toString());
      assertEquals(row.pointing() != null, row.quality().containsKey("hitRate"), "the mask measures need a mask");
      assertTrue(new ObjectMapper().readTree(row.boxes()).isArray());
    }

    // the rows with a mask are the positive findings evaluate scores: the same means
    Path report = tmp.resolve("report.json");
    assertEquals(0, lumen("evaluate", findings.toString(), csv.toString(), "--explanations", "gradcam,saliency",
        "--json", report.toString()).code());
    JsonNode scores = new ObjectMapper().readTree(report.toFile()).get("explanations");
    Map<String, List<ResultRow>> scored = rows.stream().filter(x -> x.pointing() != null)
        .collect(Collectors.groupingBy(x -> x.method() + " " + x.target()));
    assertFalse(scored.isEmpty());
    scored.forEach((name, group) -> {
      JsonNode expected = scores.get(group.get(0).method()).get(group.get(0).target());
      assertEquals(expected.get("cases").asInt(), group.size(), name);
      assertEquals(expected.get("pointingGame").asDouble(), group.stream().mapToDouble(x -> x.pointing() ? 1 : 0)
          .average().orElseThrow(), 1e-9, name);
      assertEquals(expected.get("energyInside").asDouble(), group.stream().mapToDouble(ResultRow::energyInside)
          .average().orElseThrow(), 1e-6, name);
      assertEquals(expected.get("iou").asDouble(), group.stream().mapToDouble(ResultRow::iou)
          .average().orElseThrow(), 1e-6, name);
    });
  }

  @Test
  void aRerunFinishesAnInterruptedRunWithTheSameRowsAndACorruptStudyIsRecorded(@TempDir Path tmp)
      throws IOException {
    Path studies = Files.createDirectories(tmp.resolve("studies/site-a"));
    ChestDataset.write(tmp.resolve("data"), 20, 4, 256, 0);
    for (int i = 0; i < 20; i++) {
      String name = String.format("%04d.png", i);
      Files.copy(tmp.resolve("data/images").resolve(name), studies.resolve(name));
    }
    byte[] png = Files.readAllBytes(studies.resolve("0003.png"));
    Files.write(studies.resolve("0003.png"), Arrays.copyOf(png, png.length / 3));   // truncated
    Path whole = tmp.resolve("whole");
    String[] args = {"-m", "cam,gradcam", "--top", "2", "--batch", "4"};
    Run first = batch(tmp.resolve("studies"), whole, args);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("20 studies, 19 explained, 1 failed"), first.out());
    List<ResultRow> expected = ResultTable.readAll(whole.resolve(BatchJob.RESULTS));
    List<ResultRow> failures = expected.stream().filter(x -> x.error() != null).toList();
    assertEquals(2, failures.size(), "one failure row per method");
    assertTrue(failures.get(0).error().contains("0003.png"), failures.get(0).error());
    assertEquals("site-a/0003.png", failures.get(0).study());
    assertEquals(19 * 2 * 2 + 2, expected.size());

    // an interrupted run: its last two parts never written
    Path cut = tmp.resolve("cut");
    assertEquals(0, batch(tmp.resolve("studies"), cut, args).code());
    List<Path> parts = ResultTable.parts(cut.resolve(BatchJob.RESULTS));
    assertEquals(5, parts.size(), "a part per chunk of 4");
    Files.delete(parts.get(4));
    Files.delete(parts.get(3));
    Files.writeString(cut.resolve(BatchJob.RESULTS).resolve(".part-00003.parquet.1.partial"), "half");
    Run rest = batch(tmp.resolve("studies"), cut, args);
    assertEquals(0, rest.code(), rest.err());
    assertTrue(rest.out().contains("8 explained, 0 failed, 12 done before"), rest.out());
    assertEquals(sorted(expected), sorted(ResultTable.readAll(cut.resolve(BatchJob.RESULTS))));
    assertFalse(Files.exists(cut.resolve(BatchJob.RESULTS).resolve(".part-00003.parquet.1.partial")));

    // once more: nothing left to do; a method added runs alone
    assertTrue(batch(tmp.resolve("studies"), cut, args).out().contains("0 explained, 0 failed, 20 done before"));
    Run added = batch(tmp.resolve("studies"), cut, "-m", "cam,gradcam,saliency", "--top", "2");
    assertTrue(added.out().contains("19 explained, 1 failed, 0 done before; 39 rows"), added.out());

    Run other = batch(tmp.resolve("studies"), cut, "-m", "cam", "--top", "3");
    assertTrue(other.code() != 0);
    assertTrue(other.err().contains(cut + ": holds a batch run of another model or other settings"), other.err());
  }

  @Test
  void examsGiveARowPerExamAndAnMrnetLayoutNeedsItsPlane(@TempDir Path tmp) throws IOException {
    KneeDataset.write(tmp.resolve("exams"), 4, 5, 64, 0.5);
    Path model = DemoResources.copy("knee-sagittal.onnx", tmp);
    DemoResources.copy("knee-sagittal.lumen.json", tmp);
    Run refused = lumen("batch", model.toString(), tmp.resolve("exams").toString(), "-o", tmp.resolve("r").toString());
    assertTrue(refused.code() != 0);
    assertTrue(refused.err().contains("is an MRNet layout of the planes"), refused.err());
    Path plane = tmp.resolve("exams/train/sagittal");
    Path out = tmp.resolve("run");
    Run r = lumen("batch", model.toString(), plane.toString(), "-o", out.toString(), "-m", "cam,gradcam");
    assertEquals(0, r.code(), r.err());
    List<ResultRow> rows = ResultTable.readAll(out.resolve(BatchJob.RESULTS));
    long exams;
    try (var files = Files.list(plane)) {
      exams = files.count();
    }
    assertEquals(exams * 2, rows.size());
    for (ResultRow row : rows) {
      Tensor map = Npy.read(out.resolve(row.map())).tensor();
      assertEquals(3, map.rank());
      float[] values = map.unsafeData();
      int peak = 0;
      for (int i = 0; i < values.length; i++) {
        peak = values[i] > values[peak] ? i : peak;
      }
      int area = map.dim(1) * map.dim(2);
      assertEquals(peak / area, row.peakSlice(), row.toString());
      assertNotNull(row.probability());
    }
  }

  private static Run batch(Path dataset, Path out, String... options) {
    List<String> args = new java.util.ArrayList<>(List.of("batch", findings.toString(), dataset.toString(), "-o",
        out.toString()));
    args.addAll(List.of(options));
    return lumen(args.toArray(String[]::new));
  }

  private static List<ResultRow> sorted(List<ResultRow> rows) {
    return rows.stream().sorted(Comparator.comparing(ResultRow::key).thenComparing(x -> String.valueOf(x.target())))
        .toList();
  }
}
