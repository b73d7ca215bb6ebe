package dev.lumen.app.cli;

import static dev.lumen.app.cli.CliTest.lumen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.batch.BatchJob;
import dev.lumen.app.batch.ResultRow;
import dev.lumen.app.batch.ResultTable;
import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.core.io.Npy;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lumen evaluate} of a 3D CNN ({@code [N, C, D, H, W]}, the MONAI-style test model) on a
 * labelled CSV of volumes with mask volumes: the same probabilities as {@code lumen predict},
 * the same scores whether volumes and masks are {@code .npy} or NIfTI, and the scores' definitions
 * on masks whose answer is known.
 */
class LabelledVolumesTest {
  private static final List<String> LABELS = List.of("a", "b", "c");
  private static final int STUDIES = 6;

  @TempDir
  static Path dir;
  private static Path model;

  /**
   * The test model with a card naming its classes, six noisy copies of its reference volume (some
   * flipped top to bottom) as {@code .npy} and NIfTI, each with a box mask of its class as both,
   * and a mask of the whole volume.
   */
  @BeforeAll
  static void volumes() throws IOException {
    model = Files.copy(CliTest.testModel("cnn3d"), dir.resolve("cnn3d.onnx"));
    Files.writeString(dir.resolve("cnn3d.lumen.json"), "{\"labels\": [\"a\", \"b\", \"c\"], \"task\": "
        + "\"multi-class\", \"preprocessing\": {\"scale\": \"unit\", \"resize\": \"stretch\"}}");
    Tensor reference = Npy.read(Path.of(System.getProperty("lumen.testModels", "build/test-models"))
        .resolve("cnn3d.volume.npy")).tensor();
    int depth = (int) reference.dim(0);
    int height = (int) reference.dim(1);
    int width = (int) reference.dim(2);
    Random random = new Random(5);
    for (int s = 0; s < STUDIES; s++) {
      float[] v = new float[reference.size()];
      byte[] mask = new byte[v.length];
      for (int z = 0; z < depth; z++) {
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            int i = (z * height + y) * width + x;
            int source = (z * height + (s % 2 == 1 ? height - 1 - y : y)) * width + x;
            v[i] = Math.min(1, Math.max(0, reference.unsafeData()[source] + (float) (0.1 * s * random.nextGaussian())));
            // the top half: a mask read upside down would score otherwise
            mask[i] = (byte) (y < height / 2 && x >= 2 * s && x < width / 2 + 2 * s ? 1 : 0);
          }
        }
      }
      Npy.write(dir.resolve("v" + s + ".npy"), Tensor.of(v, depth, height, width));
      Npy.writeUint8(dir.resolve("m" + s + ".npy"), mask, depth, height, width);
      convert("v" + s);
      convert("m" + s);
    }
    byte[] whole = new byte[reference.size()];
    java.util.Arrays.fill(whole, (byte) 1);
    Npy.writeUint8(dir.resolve("whole.npy"), whole, depth, height, width);
    csv("npy.csv", ".npy", ".npy");
    csv("nifti-masks.csv", ".npy", ".nii.gz");
    csv("nifti.csv", ".nii.gz", ".nii.gz");
  }

  private static void convert(String name) {
    CliTest.Run r = lumen("convert", dir.resolve(name + ".npy").toString(), dir.resolve(name + ".nii.gz").toString());
    assertEquals(0, r.code(), r.err());
  }

  /**
   * The studies with their classes (a, b, c, a, ...), their masks and the whole-volume region:
   * volumes and masks as files ending in {@code volumes} and {@code masks}.
   */
  private static void csv(String name, String volumes, String masks) throws IOException {
    StringBuilder csv = new StringBuilder("image,label,mask:a,mask:b,mask:c,region:whole\n");
    for (int s = 0; s < STUDIES; s++) {
      csv.append("v").append(s).append(volumes).append(',').append(LABELS.get(s % 3));
      for (int l = 0; l < LABELS.size(); l++) {
        csv.append(',').append(l == s % 3 ? "m" + s + masks : "");
      }
      csv.append(",whole.npy\n");
    }
    Files.writeString(dir.resolve(name), csv);
  }

  private static JsonNode evaluate(String csv, String... options) throws IOException {
    Path report = dir.resolve(csv + Math.abs(String.join(" ", options).hashCode()) + ".json");
    List<String> args = new java.util.ArrayList<>(List.of("evaluate", model.toString(), dir.resolve(csv).toString(),
        "--json", report.toString()));
    args.addAll(List.of(options));
    CliTest.Run r = lumen(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    return new ObjectMapper().readTree(report.toFile());
  }

  /**
   * Each volume's probabilities are those {@code lumen predict} gives it, {@code .npy} or NIfTI;
   * NIfTI masks, and NIfTI volumes with NIfTI masks (written by {@code lumen convert}), give the
   * same scores as {@code .npy} ones.
   */
  @Test
  void volumesAreScoredAsPredictScoresThemAndNiftiAgreesWithNpy() throws IOException {
    String[] methods = {"--explanations", "gradcam,occlusion", "--quality", "deletion,hit-rate,sparseness",
        "--quality-steps", "4"};
    JsonNode npy = evaluate("npy.csv", methods);
    JsonNode niftiMasks = evaluate("nifti-masks.csv", methods);
    JsonNode nifti = evaluate("nifti.csv", methods);
    assertPredicted(npy, ".npy");
    assertPredicted(nifti, ".nii.gz");
    for (String method : List.of("gradcam", "occlusion")) {
      JsonNode scores = npy.get("explanations").get(method);
      for (String label : LABELS) {
        assertEquals(2, scores.get(label).get("cases").asInt(), method + " " + label);
      }
      assertEquals(scores, niftiMasks.get("explanations").get(method), method);
      assertEquals(scores, nifti.get("explanations").get(method), method);
    }
  }

  /** The report's probabilities of each study are {@code lumen predict}'s of its {@code suffix} file. */
  private static void assertPredicted(JsonNode report, String suffix) throws IOException {
    Path predictions = dir.resolve("predictions" + suffix + ".json");
    List<String> predict = new java.util.ArrayList<>(List.of("predict", model.toString(), "--json",
        predictions.toString()));
    for (int s = 0; s < STUDIES; s++) {
      predict.add(dir.resolve("v" + s + suffix).toString());
    }
    CliTest.Run r = lumen(predict.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode predicted = new ObjectMapper().readTree(predictions.toFile());
    for (int s = 0; s < STUDIES; s++) {
      for (JsonNode score : predicted.get(s).get("scores")) {
        String label = score.get("label").asText();
        assertEquals(score.get("probability").asDouble(), report.get("cases").get(s).get("scores").get(label)
            .asDouble(), 1e-6, "study " + s + suffix + " " + label);
      }
    }
  }

  /**
   * Against a region covering the whole volume every map's peak is on it and all its energy
   * inside; every positive study is scored once per label it has.
   */
  @Test
  void aWholeVolumeRegionHoldsEveryPeakAndAllTheEnergy() throws IOException {
    JsonNode report = evaluate("npy.csv", "--explanations", "gradcam,saliency", "--against", "whole", "--quality",
        "hit-rate,relevance-rank");
    for (String method : List.of("gradcam", "saliency")) {
      for (String label : LABELS) {
        JsonNode s = report.get("explanations").get(method).get(label);
        assertEquals(2, s.get("cases").asInt());
        assertEquals(1.0, s.get("pointingGame").asDouble(), 0, method + " " + label);
        assertEquals(1.0, s.get("hitRate").asDouble(), 0, method + " " + label);
        assertEquals(1.0, s.get("energyInside").asDouble(), 1e-9, method + " " + label);
        assertEquals(1.0, s.get("relevanceRank").asDouble(), 1e-9, method + " " + label);
      }
    }
  }

  /**
   * {@code --quality all} on a volume model takes every measure, each finite: the sensitivity,
   * the sanity check (a step per learned layer, whole volumes compared) and the data
   * randomisation test (heads on the whole volume's pooled features, whole maps compared).
   */
  @Test
  void allQualityMeasuresOfAVolumeModel() throws IOException {
    JsonNode report = evaluate("npy.csv", "--explanations", "gradcam", "--quality", "all", "--quality-steps", "4",
        "--road-percentages", "30,70", "--aopc-steps", "4", "--sensitivity-samples", "2");
    JsonNode scores = report.get("explanations").get("gradcam").get("a");
    List<String> exams = QualityMeasures.onExams(QualityMeasures.named(List.of("all")));
    assertTrue(exams.contains("sensitivity") && exams.contains("sanity") && !exams.contains("data-randomisation"),
        exams.toString());
    for (String field : QualityMeasures.fields(exams)) {
      assertTrue(scores.has(field) && Double.isFinite(scores.get(field).asDouble()), field + " in " + scores);
    }
    JsonNode heads = report.get("dataRandomisation");
    for (String fit : List.of("trainedFit", "shuffledFit")) {
      assertTrue(heads.get(fit).asDouble() >= 0 && heads.get(fit).asDouble() <= 1, heads.toString());
    }
    for (String field : List.of("spearmanOfAbsolute", "spearman", "ssim", "hog")) {
      double v = heads.get("gradcam").get(field).asDouble();
      assertTrue(v >= -1 && v <= 1, field + " " + v);
    }
    // Grad-CAM weighs the layer by the head's gradients: a head that learnt other labels moves it
    assertTrue(heads.get("gradcam").get("spearman").asDouble() < 0.999, heads.toString());
    for (String test : List.of("cascading", "independent")) {
      JsonNode steps = report.get("sanity").get("gradcam").get(test);
      assertEquals(3, steps.size(), "the 3D CNN's three learned layers: " + steps);
      for (JsonNode step : steps) {
        for (String field : List.of("spearmanOfAbsolute", "spearman", "ssim", "hog")) {
          double v = step.get(field).asDouble();
          assertTrue(v >= -1 && v <= 1, test + " " + field + " " + v);
        }
      }
    }
  }

  /**
   * A 3D CNN's finding is scored over the whole volume: deletion takes every voxel in the map's
   * order (its curve starts at the study's probability and ends at the model's on a volume of
   * zeros, not at the study with one slice deleted), and the energy inside is the share of the
   * whole map's energy in the whole mask; {@code batch} and {@code evaluate} agree.
   */
  @Test
  void aThreeDModelsFindingsAreScoredOverTheWholeVolume() throws IOException {
    JsonNode report = evaluate("npy.csv", "--explanations", "gradcam", "--quality", "deletion,aopc",
        "--quality-steps", "4", "--aopc-steps", "3");
    Tensor first = Npy.read(dir.resolve("v0.npy")).tensor();
    Npy.write(dir.resolve("zeros.npy"), Tensor.of(new float[first.size()], first.dim(0), first.dim(1), first.dim(2)));
    Path predictions = dir.resolve("zeros.json");
    CliTest.Run predict = lumen("predict", model.toString(), dir.resolve("zeros.npy").toString(), "--json",
        predictions.toString());
    assertEquals(0, predict.code(), predict.err());
    JsonNode zeros = new ObjectMapper().readTree(predictions.toFile()).get(0).get("scores");
    for (int l = 0; l < LABELS.size(); l++) {
      String label = LABELS.get(l);
      JsonNode curve = report.get("explanations").get("gradcam").get(label).get("curves").get("deletion");
      double studies = 0;
      for (int s = l; s < STUDIES; s += LABELS.size()) {
        studies += report.get("cases").get(s).get("scores").get(label).asDouble() / 2;
      }
      assertEquals(studies, curve.get("probabilities").get(0).asDouble(), 1e-6, label + ": the studies as they are");
      double emptied = 0;
      for (JsonNode score : zeros) {
        emptied += score.get("label").asText().equals(label) ? score.get("probability").asDouble() : 0;
      }
      assertEquals(emptied, curve.get("probabilities").get(4).asDouble(), 1e-6, label + ": every voxel deleted");
      JsonNode flipping = report.get("explanations").get("gradcam").get(label).get("curves").get("pixelFlipping");
      assertEquals(4, flipping.get("fractions").size(), "the study and three cubes flipped");
    }

    Path out = dir.resolve("batch-whole");
    CliTest.Run batch = lumen("batch", model.toString(), dir.resolve("npy.csv").toString(), "-o", out.toString(),
        "-m", "gradcam", "--all");
    assertEquals(0, batch.code(), batch.err());
    for (ResultRow row : ResultTable.readAll(out.resolve(BatchJob.RESULTS))) {
      if (row.pointing() == null) {
        continue;
      }
      float[] heat = Npy.read(out.resolve(row.map())).tensor().toArray();
      float[] mask = Npy.read(dir.resolve("m" + row.study().substring(1))).tensor().toArray();
      assertEquals(heat.length, mask.length, "the whole volume's map");
      assertEquals(MapAgreement.energyInside(heat, mask), row.energyInside(), 1e-9, row.study() + " " + row.target());
    }
  }

  /**
   * {@code lumen batch} on the same CSV scores each map of a masked finding over the whole volume
   * as evaluate does: per label, the means of its rows are evaluate's.
   */
  @Test
  void batchRowsOfMaskedFindingsAverageToEvaluatesScores() throws IOException {
    String[] quality = {"--quality", "hit-rate,deletion", "--quality-steps", "4"};
    JsonNode scores = evaluate("npy.csv", java.util.stream.Stream.concat(java.util.stream.Stream.of(
        "--explanations", "gradcam"), java.util.Arrays.stream(quality)).toArray(String[]::new))
        .get("explanations").get("gradcam");
    Path out = dir.resolve("batch");
    List<String> args = new java.util.ArrayList<>(List.of("batch", model.toString(), dir.resolve("npy.csv").toString(),
        "-o", out.toString(), "-m", "gradcam", "--all"));
    args.addAll(List.of(quality));
    CliTest.Run r = lumen(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    List<ResultRow> rows = ResultTable.readAll(out.resolve(BatchJob.RESULTS));
    // batch explains every label of a study at once, evaluate its findings: the maps agree to float rounding
    assertEquals(STUDIES * LABELS.size(), rows.size());
    for (String label : LABELS) {
      List<ResultRow> masked = rows.stream().filter(x -> x.target().equals(label) && x.pointing() != null).toList();
      JsonNode expected = scores.get(label);
      assertEquals(expected.get("cases").asInt(), masked.size(), label);
      assertEquals(expected.get("pointingGame").asDouble(), masked.stream().mapToDouble(x -> x.pointing() ? 1 : 0)
          .average().orElseThrow(), 1e-6, label);
      assertEquals(expected.get("energyInside").asDouble(), masked.stream().mapToDouble(ResultRow::energyInside)
          .average().orElseThrow(), 1e-6, label);
      for (String field : List.of("hitRate", "deletionAuc")) {
        assertEquals(expected.get(field).asDouble(), masked.stream().mapToDouble(x -> x.quality().get(field))
            .average().orElseThrow(), 1e-6, label + " " + field);
      }
    }
  }

  /**
   * A mask of another shape than its volume is refused naming it; so is a folder named as an
   * image model's study.
   */
  @Test
  void masksOfAnotherKindOrShapeAreRefused() throws IOException {
    Files.writeString(dir.resolve("flat.csv"), "image,label,mask:a\nv0.npy,a,flat.png\n");
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
        "png", dir.resolve("flat.png").toFile());
    CliTest.Run flat = lumen("evaluate", model.toString(), dir.resolve("flat.csv").toString(), "--explanations", "cam");
    assertEquals(3, flat.code(), flat.err());
    assertTrue(flat.err().contains("flat.png") && flat.err().contains("mask is 1x8x8 but its study is 20x40x40"), flat.err());

    Tensor reference = Npy.read(dir.resolve("v0.npy")).tensor();
    Npy.writeUint8(dir.resolve("short.npy"), new byte[(int) (reference.size() / reference.dim(0))], 1,
        reference.dim(1), reference.dim(2));
    Files.writeString(dir.resolve("short.csv"), "image,label,mask:a\nv0.npy,a,short.npy\n");
    CliTest.Run shorter = lumen("evaluate", model.toString(), dir.resolve("short.csv").toString(), "--explanations",
        "cam");
    assertEquals(3, shorter.code(), shorter.err());
    assertTrue(shorter.err().contains("short.npy") && shorter.err().contains("mask is 1x"), shorter.err());

    Path imageModel = DemoResources.copy("chest-demo.onnx", dir);
    DemoResources.copy("chest-demo.lumen.json", dir);
    Files.createDirectories(dir.resolve("series"));
    Files.writeString(dir.resolve("folder.csv"), "image,nodule\nseries,1\n");
    CliTest.Run folder = lumen("evaluate", imageModel.toString(), dir.resolve("folder.csv").toString());
    assertEquals(3, folder.code(), folder.err());
    assertTrue(folder.err().contains("series: is a folder") && folder.err().contains("only for a volume model"),
        folder.err());
  }
}
