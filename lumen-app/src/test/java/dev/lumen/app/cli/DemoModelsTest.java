package dev.lumen.app.cli;

import static dev.lumen.app.cli.CliTest.lumen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.demodata.ChestDataset;
import dev.lumen.app.demodata.KneeDataset;
import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.app.exam.MrnetSplit;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.cam.Cam;
import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.image.Images;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped shortcut and knee models on freshly drawn studies, through the command line. */
class DemoModelsTest {

  private static Path shipped(String name) throws URISyntaxException {
    return Path.of(DemoModelsTest.class.getResource("/dev/lumen/app/demo/" + name).toURI());
  }

  /**
   * The shortcut model scores nodules well while the marker gives them away and at chance when it
   * does not. Its explanations land on the marker, not on the nodule: the input-resolution methods
   * point at the marker (pointing game), and the coarse CAM maps peak nearer the marker than the
   * nodule.
   */
  @Test
  void shortcutModelsExplanationsLandOnTheMarker(@TempDir Path tmp) throws Exception {
    ChestDataset.writeShortcut(tmp, 120, 99, 128, 0.25);
    Path modelFile = shipped("chest-shortcut.onnx");
    String model = modelFile.toString();
    String methods = "guidedgradcam,integratedgradients";
    JsonNode confounded = evaluate(tmp, model, "valid.csv", "--explanations", methods, "--against", "marker");
    JsonNode onNodules = evaluate(tmp, model, "valid.csv", "--explanations", methods);
    JsonNode unconfounded = evaluate(tmp, model, "test.csv");
    assertTrue(auc(confounded, "nodule") >= 0.9, "AUC with the marker " + auc(confounded, "nodule"));
    assertTrue(auc(unconfounded, "nodule") < 0.75, "AUC without the marker " + auc(unconfounded, "nodule"));
    for (String method : methods.split(",")) {
      double marker = confounded.get("explanations").get(method).get("nodule").get("pointingGame").asDouble();
      double nodule = onNodules.get("explanations").get(method).get("nodule").get("pointingGame").asDouble();
      assertTrue(marker >= 0.8 && nodule <= 0.2, method + " points at the marker in " + marker
          + " and at the nodule in " + nodule + " of the nodule studies");
    }
    try (Model shortcut = Model.load(modelFile)) {
      LabelledStudies data = LabelledStudies.read(tmp.resolve("valid.csv"), shortcut.labels());
      int nodule = shortcut.labels().indexOf(ChestDataset.SHORTCUT_FINDING);
      List<LabelledStudies.Study> positives = data.studies().stream().filter(s -> s.truth()[nodule]).toList();
      for (Explainer explainer : List.of(Cam.of(shortcut), GradientCam.of(shortcut, CamFormula.GRADCAM))) {
        int nearerMarker = 0;
        for (LabelledStudies.Study study : positives) {
          float[] heat = explainer.explain(Images.read(study.image()), Targets.labels(List.of("nodule")))
              .get(0).heatmap(0).unsafeData();
          nearerMarker += distance(heat, study.regions().get("marker")) < distance(heat, study.masks().get(nodule))
              ? 1 : 0;
        }
        assertTrue(nearerMarker >= 0.8 * positives.size(), explainer.getClass().getSimpleName() + " peaks nearer the "
            + "marker in " + nearerMarker + " of " + positives.size() + " nodule studies");
      }
    }
    CliTest.Run noRegion = lumen("evaluate", model, tmp.resolve("valid.csv").toString(), "--explanations", "cam",
        "--against", "lungs");
    assertEquals(3, noRegion.code());
    assertTrue(noRegion.err().contains("valid.csv") && noRegion.err().contains("no region:lungs"), noRegion.err());
  }

  private static double distance(float[] heat, Path mask) {
    return MapAgreement.distanceFromPeak(heat, Images.read(mask).pixels().unsafeData(), 128);
  }

  private static JsonNode evaluate(Path dir, String model, String csv, String... options) throws IOException {
    Path report = dir.resolve(csv + Math.abs(String.join("", options).hashCode()) + ".json");
    String[] args = new String[4 + options.length];
    args[0] = "evaluate";
    args[1] = model;
    args[2] = dir.resolve(csv).toString();
    System.arraycopy(options, 0, args, 3, options.length);
    args[args.length - 1] = "--json=" + report;
    CliTest.Run r = lumen(args);
    assertEquals(0, r.code(), r.err());
    return new ObjectMapper().readTree(report.toFile());
  }

  private static double auc(JsonNode report, String label) {
    for (JsonNode l : report.get("labels")) {
      if (l.get("label").asText().equals(label)) {
        return l.get("auc").asDouble();
      }
    }
    throw new AssertionError("no label " + label);
  }

  /** {@code lumen bench} times an exam model on a whole exam, its methods against the exam's forward pass. */
  @Test
  void benchTimesExamModelsOnAnExam() throws Exception {
    CliTest.Run r = lumen("bench", shipped("knee-sagittal.onnx").toString(), "--rounds", "1", "--runs", "1",
        "--methods", "cam,gradcam");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("exam of 32 slices") && r.out().contains("exams/s"), r.out());
    assertTrue(r.out().lines().filter(l -> l.contains("ms/exam") && l.contains("forward passes of the exam")).count()
        == 2, r.out());
  }

  /**
   * evaluate-mrnet's quality measures on the slice each map ranks hottest, perturbed within its
   * exam: every field in its range, the curves plotted per plane and label; the data randomisation
   * test, which trains heads on an image model's features, is refused for exams.
   */
  @Test
  void examMapsGetTheQualityMeasures(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("knee");
    KneeDataset.write(data, 16, 77, 64, 0.5);
    List<String> planes = List.of("--axial", shipped("knee-axial.onnx").toString(), "--coronal",
        shipped("knee-coronal.onnx").toString(), "--sagittal", shipped("knee-sagittal.onnx").toString(), "-o",
        tmp.resolve("k.lumen-exams.json").toString());
    List<String> args = new java.util.ArrayList<>(List.of("evaluate-mrnet", data.toString()));
    args.addAll(planes);
    args.addAll(List.of("--json", tmp.resolve("q.json").toString(), "--explanations", "cam", "--quality",
        "deletion,road,hit-rate,otsu-iou,sparseness", "--quality-steps", "4", "--road-percentages", "30,70",
        "--curves", tmp.resolve("curves").toString()));
    CliTest.Run r = lumen(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode cam = new ObjectMapper().readTree(tmp.resolve("q.json").toFile()).get("explanations").get("cam");
    int scored = 0;
    for (String plane : MrnetSplit.PLANES) {
      var labels = cam.get(plane).fields();
      while (labels.hasNext()) {
        var label = labels.next();
        JsonNode s = label.getValue();
        for (String field : List.of("pointingGame", "energyInside", "iou", "deletionAuc", "roadMorf", "roadLerf",
            "hitRate", "otsuIou", "sparseness")) {
          double v = s.get(field).asDouble();
          assertTrue(v >= 0 && v <= 1, plane + " " + label.getKey() + " " + field + " " + v);
        }
        assertEquals(5, s.get("curves").get("deletion").get("probabilities").size());
        assertTrue(Files.isRegularFile(tmp.resolve("curves/deletion-" + plane + "-" + label.getKey() + ".svg")));
        scored++;
      }
    }
    assertTrue(scored > 0, cam.toString());
    assertTrue(r.out().contains("roadGap"), r.out());
    List<String> refused = new java.util.ArrayList<>(List.of("evaluate-mrnet", data.toString()));
    refused.addAll(planes);
    refused.addAll(List.of("--explanations", "cam", "--quality", "data-randomisation"));
    CliTest.Run heads = lumen(refused.toArray(String[]::new));
    assertEquals(2, heads.code(), heads.err());
    assertTrue(heads.err().contains("--quality data-randomisation trains heads on the studies of a labelled CSV"),
        heads.err());
  }

  /**
   * A labelled CSV of volumes — the knee validation exams of one plane with their mask stacks —
   * evaluated with that plane's model gives evaluate-mrnet's numbers for the plane: the AUCs,
   * every map score and quality curve, taken on the same hottest slices, and the sanity check.
   */
  @Test
  void labelledVolumesScoreAsEvaluateMrnetDoes(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("knee");
    KneeDataset.write(data, 16, 77, 64, 0.5);
    List<String> quality = List.of("--explanations", "cam", "--quality", "deletion,road,hit-rate,relevance-rank,sanity",
        "--quality-steps", "4", "--road-percentages", "30,70", "--sanity-layers", "2");
    List<String> mrnet = new java.util.ArrayList<>(List.of("evaluate-mrnet", data.toString(), "--axial",
        shipped("knee-axial.onnx").toString(), "--coronal", shipped("knee-coronal.onnx").toString(), "--sagittal",
        shipped("knee-sagittal.onnx").toString(), "-o", tmp.resolve("k.lumen-exams.json").toString(), "--json",
        tmp.resolve("mrnet.json").toString()));
    mrnet.addAll(quality);
    CliTest.Run exams = lumen(mrnet.toArray(String[]::new));
    assertEquals(0, exams.code(), exams.err());
    List<String> labels = List.of("abnormal", "acl", "meniscus");
    MrnetSplit valid = MrnetSplit.read(data.resolve("valid"), labels);
    StringBuilder csv = new StringBuilder("image,abnormal,acl,meniscus,mask:abnormal,mask:acl,mask:meniscus\n");
    for (String id : valid.ids()) {
      csv.append("axial/").append(id).append(".npy");
      for (int l = 0; l < labels.size(); l++) {
        csv.append(',').append(valid.truth().get(id)[l] ? 1 : 0);
      }
      for (String label : labels) {
        csv.append(',').append(Files.isRegularFile(valid.mask(id, "axial", label))
            ? "masks/axial/" + id + "-" + label + ".npy" : "");
      }
      csv.append('\n');
    }
    Path labelled = Files.writeString(data.resolve("valid/axial.csv"), csv);
    List<String> evaluate = new java.util.ArrayList<>(List.of("evaluate", shipped("knee-axial.onnx").toString(),
        labelled.toString(), "--json", tmp.resolve("csv.json").toString()));
    evaluate.addAll(quality);
    CliTest.Run volumes = lumen(evaluate.toArray(String[]::new));
    assertEquals(0, volumes.code(), volumes.err());
    JsonNode byPlane = new ObjectMapper().readTree(tmp.resolve("mrnet.json").toFile());
    JsonNode byCsv = new ObjectMapper().readTree(tmp.resolve("csv.json").toFile());
    assertEquals(valid.ids().size(), byCsv.get("studies").asInt());
    for (String label : labels) {
      assertEquals(byPlane.get("validationAuc").get(label).get("axial").asDouble(), auc(byCsv, label), 1e-9, label);
    }
    JsonNode planeScores = byPlane.get("explanations").get("cam").get("axial");
    assertTrue(planeScores.size() > 0, planeScores.toString());
    assertEquals(planeScores, byCsv.get("explanations").get("cam"));
    JsonNode planeSanity = byPlane.get("sanity").get("cam").get("axial");
    assertEquals(2, planeSanity.get("cascading").size(), planeSanity.toString());
    assertEquals(planeSanity, byCsv.get("sanity").get("cam"), "the plane model's sanity check, either way");

    // the data randomisation test on a plane model: heads on the exams' max-over-slices features
    CliTest.Run heads = lumen("evaluate", shipped("knee-axial.onnx").toString(), labelled.toString(),
        "--explanations", "cam", "--quality", "data-randomisation", "--json", tmp.resolve("heads.json").toString());
    assertEquals(0, heads.code(), heads.err());
    JsonNode randomised = new ObjectMapper().readTree(tmp.resolve("heads.json").toFile()).get("dataRandomisation");
    // 500 epochs on 16 exams: the head learns the true labels
    assertTrue(randomised.get("trainedFit").asDouble() >= 0.9, randomised.toString());
    assertTrue(randomised.get("cam").get("spearman").asDouble() < 0.999, "CAM weighs the layer by the head: "
        + randomised);

    // another plane's masks are of another shape: refused naming the mask
    Files.writeString(labelled, Files.readString(labelled).replace("masks/axial/", "masks/coronal/"));
    CliTest.Run wrongMasks = lumen("evaluate", shipped("knee-axial.onnx").toString(), labelled.toString(),
        "--explanations", "cam");
    assertEquals(3, wrongMasks.code(), wrongMasks.err());
    assertTrue(wrongMasks.err().contains("masks/coronal/") && wrongMasks.err().contains("but its study is"),
        wrongMasks.err());
  }

  /**
   * evaluate-mrnet scores the shipped plane models on fresh exams, fits their combination and
   * writes it; predict applies it: each exam's probability is the logistic function of the
   * weighted plane probabilities the same JSON reports.
   */
  @Test
  void planeModelsAreEvaluatedCombinedAndUsedByPredict(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("knee");
    KneeDataset.write(data, 40, 77, 128, 0.5);
    Path examModel = tmp.resolve("fitted.lumen-exams.json");
    CliTest.Run r = lumen("evaluate-mrnet", data.toString(), "--axial", shipped("knee-axial.onnx").toString(),
        "--coronal", shipped("knee-coronal.onnx").toString(), "--sagittal", shipped("knee-sagittal.onnx").toString(),
        "-o", examModel.toString(), "--json", tmp.resolve("report.json").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("combined") && r.out().contains("acl"), r.out());
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
    assertEquals(20, report.get("trainExams").asInt());
    for (String label : new String[] {"abnormal", "acl", "meniscus"}) {
      JsonNode aucs = report.get("validationAuc").get(label);
      for (String column : new String[] {"axial", "coronal", "sagittal", "combined"}) {
        assertTrue(aucs.get(column).asDouble() >= 0.75, label + " " + column + ": " + aucs);
      }
    }
    JsonNode saved = new ObjectMapper().readTree(examModel.toFile());
    CliTest.Run predicted = lumen("predict", examModel.toString(), data.resolve("valid").toString(), "--json",
        tmp.resolve("predictions.json").toString());
    assertEquals(0, predicted.code(), predicted.err());
    JsonNode rows = new ObjectMapper().readTree(tmp.resolve("predictions.json").toFile());
    assertEquals(20, rows.size());
    for (JsonNode row : rows) {
      for (String label : new String[] {"abnormal", "acl", "meniscus"}) {
        JsonNode weights = saved.get("combination").get(label);
        double z = weights.get("intercept").asDouble();
        for (String plane : MrnetSplit.PLANES) {
          z += weights.get(plane).asDouble() * row.get(label).get(plane).asDouble();
        }
        assertEquals(1 / (1 + Math.exp(-z)), row.get(label).get("probability").asDouble(), 1e-9);
      }
    }
    Files.delete(data.resolve("valid/coronal/0025.npy"));
    CliTest.Run missing = lumen("predict", examModel.toString(), data.resolve("valid").toString());
    assertEquals(3, missing.code());
    assertTrue(missing.err().contains("coronal") && missing.err().contains("has no 0025.npy"), missing.err());
  }
}
