package dev.lumen.app.cli;

import dev.lumen.app.service.Methods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.io.Npy;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line end to end, in process, on the built-in demo model and the test models. */
class CliTest {
  @TempDir
  static Path demo;

  static Path model;
  static Path nodule;

  /** Result of one command: exit code and what it printed. */
  record Run(int code, String out, String err) {}

  @BeforeAll
  static void unpackDemo() {
    Run r = lumen("demo", "-o", demo.toString());
    assertEquals(0, r.code(), r.err());
    model = demo.resolve("inputs/chest-demo.onnx");
    nodule = demo.resolve("inputs/study-1-nodule.png");
  }

  static Run lumen(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Lumen.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path testModel(String name) {
    return Path.of(System.getProperty("lumen.testModels", "build/test-models")).resolve(name + ".onnx");
  }

  @Test
  void demoWritesAManifestAndPredictsTheFindings() throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(demo.resolve("explanations/manifest.json").toFile());
    assertEquals("cam", manifest.get("method").asText());
    assertEquals(6, manifest.get("studies").size());
    JsonNode first = manifest.get("studies").get(0);
    assertEquals(3, first.get("explanations").size(), "every label of the demo is explained");
    java.awt.image.BufferedImage panel = javax.imageio.ImageIO.read(
        demo.resolve("explanations").resolve(first.get("panel").asText()).toFile());
    assertTrue(panel.getWidth() > 4 * 256, "the study and its three overlays side by side: " + panel.getWidth());
    JsonNode truth = new ObjectMapper().readTree(demo.resolve("ground-truth/explanations/manifest.json").toFile());
    assertEquals(8, truth.get("studies").size(), "the synthetic studies with masks are explained too");
    assertEquals(4, truth.get("studies").get(0).get("explanations").size());
  }

  /**
   * On fresh synthetic studies the shipped findings model classifies every finding (AUC at least
   * 0.9), and CAM points at the finding in most positive cases, the small nodules included.
   */
  @Test
  void findingsModelClassifiesAndCamFindsTheFindings(@TempDir Path tmp) throws IOException {
    dev.lumen.app.demodata.ChestDataset.write(tmp, 60, 99, 256, 0);
    Path findings = demo.resolve("ground-truth/chest-findings.onnx");
    Run r = lumen("evaluate", findings.toString(), tmp.resolve("train.csv").toString(), "--json",
        tmp.resolve("report.json").toString(), "--explanations", "cam");
    assertEquals(0, r.code(), r.err());
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
    for (JsonNode label : report.get("labels")) {
      assertTrue(label.get("auc").asDouble() >= 0.9, label.get("label") + " AUC " + label.get("auc"));
    }
    for (String finding : List.of("nodule", "opacity", "effusion", "cardiomegaly")) {
      JsonNode scores = report.get("explanations").get("cam").get(finding);
      assertTrue(scores.get("pointingGame").asDouble() >= 0.8, finding + ": " + scores);
    }
  }

  /**
   * {@code --quality} adds each measure to every method's scores: deletion and insertion areas
   * under probability curves, ROAD's means and gap, AOPC, the relevance rank, CheXlocalize's hit
   * rate and IoUs, sparseness (all in their ranges), entropy at most ln(pixels), and the
   * sensitivity (its maximum at least its average); {@code --curves} plots the mean curves; a
   * measure without maps, an unknown one, or a ROAD percentage outside (0, 100) is refused.
   */
  @Test
  void qualityMeasuresJoinTheExplanationScores(@TempDir Path tmp) throws IOException {
    Path findings = demo.resolve("ground-truth/chest-findings.onnx");
    Path labels = demo.resolve("ground-truth/studies/train.csv");
    Run r = lumen("evaluate", findings.toString(), labels.toString(), "--json", tmp.resolve("q.json").toString(),
        "--explanations", "gradcam", "--quality", "all", "--quality-steps", "8", "--road-percentages", "20,80",
        "--aopc-steps", "10", "--sanity-layers", "1", "--curves", tmp.resolve("curves").toString());
    assertEquals(0, r.code(), r.err());
    JsonNode gradcam = new ObjectMapper().readTree(tmp.resolve("q.json").toFile()).get("explanations").get("gradcam");
    int checked = 0;
    for (String finding : List.of("nodule", "opacity", "effusion", "cardiomegaly")) {
      JsonNode scores = gradcam.get(finding);
      for (String field : List.of("deletionAuc", "insertionAuc", "roadMorf", "roadLerf", "relevanceRank", "hitRate",
          "otsuIou", "tunedIou", "tunedThreshold", "sparseness")) {
        double v = scores.get(field).asDouble();
        assertTrue(v >= 0 && v <= 1, finding + " " + field + " " + v);
      }
      assertEquals(scores.get("roadLerf").asDouble() - scores.get("roadMorf").asDouble(),
          scores.get("roadGap").asDouble(), 1e-12);
      assertTrue(Math.abs(scores.get("aopc").asDouble()) <= 1, scores.toString());
      assertTrue(scores.get("tunedIou").asDouble() >= scores.get("iou").asDouble() - 1e-12,
          "the tuned threshold is at least as good as 0.5, one of its candidates: " + scores);
      JsonNode road = scores.get("curves").get("roadMorf");
      assertEquals("[0.2,0.8]", road.get("fractions").toString());
      assertEquals(11, scores.get("curves").get("pixelFlipping").get("probabilities").size());
      assertEquals(9, scores.get("curves").get("deletion").get("probabilities").size());
      assertTrue(scores.get("entropy").asDouble() > 0 && scores.get("entropy").asDouble() <= Math.log(256 * 256),
          scores.toString());
      checked++;
    }
    assertEquals(4, checked);
    assertTrue(r.out().contains("deletionAuc") && r.out().contains("relevanceRank"), r.out());
    for (String curve : List.of("deletion", "insertion", "roadMorf", "roadLerf", "pixelFlipping")) {
      assertTrue(javax.imageio.ImageIO.read(tmp.resolve("curves/" + curve + "-nodule.png").toFile()).getWidth() > 0);
      String svg = Files.readString(tmp.resolve("curves/" + curve + "-nodule.svg"));
      assertTrue(svg.startsWith("<svg") && svg.contains("gradcam  "), svg);
    }
    Run badRoad = lumen("evaluate", findings.toString(), labels.toString(), "--explanations", "cam", "--quality",
        "road", "--road-percentages", "0,50");
    assertEquals(2, badRoad.code(), badRoad.err());
    assertTrue(badRoad.err().contains("ROAD's percentages are in (0, 100), got 0.0"), badRoad.err());
    JsonNode one = gradcam.get("nodule");
    assertTrue(one.get("averageSensitivity").asDouble() >= 0
        && one.get("maxSensitivity").asDouble() >= one.get("averageSensitivity").asDouble(), one.toString());
    Run noMaps = lumen("evaluate", findings.toString(), labels.toString(), "--quality", "deletion");
    assertEquals(2, noMaps.code(), noMaps.err());
    assertTrue(noMaps.err().contains("--quality scores the maps of --explanations"), noMaps.err());
    Run unknown = lumen("evaluate", findings.toString(), labels.toString(), "--explanations", "cam", "--quality",
        "faith");
    assertTrue(unknown.code() != 0 && unknown.err().contains("unknown quality measure 'faith'"), unknown.err());
  }

  /**
   * The randomisation tests on the findings model reproduce Adebayo et al.: Grad-CAM's maps
   * change as soon as the top layer is re-drawn, in the cascade and alone, guided backprop's stay
   * alike.
   */
  @Test
  void theSanityCheckTellsGradCamFromGuidedBackprop(@TempDir Path tmp) throws IOException {
    Path findings = demo.resolve("ground-truth/chest-findings.onnx");
    Path labels = demo.resolve("ground-truth/studies/train.csv");
    Run r = lumen("evaluate", findings.toString(), labels.toString(), "--json", tmp.resolve("s.json").toString(),
        "--explanations", "gradcam,guidedbackprop", "--quality", "sanity", "--sanity-layers", "2");
    assertEquals(0, r.code(), r.err());
    JsonNode sanity = new ObjectMapper().readTree(tmp.resolve("s.json").toFile()).get("sanity");
    for (String test : List.of("cascading", "independent")) {
      JsonNode gradcam = sanity.get("gradcam").get(test);
      JsonNode guided = sanity.get("guidedbackprop").get(test);
      assertEquals(2, gradcam.size());
      for (int step = 0; step < 2; step++) {
        assertTrue(gradcam.get(step).get("spearman").asDouble() < 0.3, test + " " + gradcam);
        assertTrue(guided.get(step).get("spearman").asDouble() > 0.7, test + " " + guided);
        assertTrue(guided.get(step).get("hog").asDouble() > gradcam.get(step).get("hog").asDouble(),
            test + " " + guided);
      }
      assertEquals(test.equals("cascading") ? 2 : 1, gradcam.get(1).get("randomisedLayers").asInt());
    }
    assertTrue(r.out().contains("sanity check of guidedbackprop"), r.out());
  }

  /**
   * The data randomisation test on the findings model's backbone: the head trained on the true
   * labels fits them, the one trained on shuffled labels fits what it was given, and Grad-CAM's
   * maps differ between the two heads far more than guided backprop's.
   */
  @Test
  void theDataRandomisationTestTellsGradCamFromGuidedBackprop(@TempDir Path tmp) throws IOException {
    Path findings = demo.resolve("ground-truth/chest-findings.onnx");
    Path labels = demo.resolve("ground-truth/studies/train.csv");
    Run r = lumen("evaluate", findings.toString(), labels.toString(), "--json", tmp.resolve("d.json").toString(),
        "--explanations", "gradcam,guidedbackprop", "--quality", "data-randomisation");
    assertEquals(0, r.code(), r.err());
    JsonNode test = new ObjectMapper().readTree(tmp.resolve("d.json").toFile()).get("dataRandomisation");
    assertTrue(test.get("trainedFit").asDouble() > 0.9, test.toString());
    JsonNode gradcam = test.get("gradcam");
    JsonNode guided = test.get("guidedbackprop");
    assertTrue(guided.get("spearmanOfAbsolute").asDouble() > gradcam.get("spearmanOfAbsolute").asDouble() + 0.2,
        test.toString());
    assertTrue(r.out().contains("data randomisation: heads fit their labels"), r.out());
  }

  @Test
  void demoWritesIntoARelativeFolder() {
    Run r = lumen("demo", "-o", "target/demo-relative");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(Path.of("target/demo-relative/explanations/study-1-nodule/nodule.png")));
  }

  @Test
  void flagsOverrideTheCard() {
    Run r = lumen("inspect", model.toString(), "--labels", "a,b,c", "--task", "multi-label", "--normalize", "raw");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("labels       [a, b, c]"), r.out());
    assertTrue(r.out().contains("task         multi-label"), r.out());
    assertTrue(r.out().contains("scale=raw"), r.out());
    Run size = lumen("inspect", testModel("resnet18").toString(), "--size", "100x100");
    assertEquals(3, size.code());
    assertTrue(size.err().contains("the card gives an input side of 100 but input 'input' is [n, 3, 224, 224]"), size.err());
  }

  @Test
  void inspectPrintsTaskLayerAndHead() throws IOException {
    Run r = lumen("inspect", model.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("multi-class (output activation: Softmax)"), r.out());
    assertTrue(r.out().contains("CAM head     yes: "), r.out());
    Run json = lumen("inspect", model.toString(), "--json");
    JsonNode node = new ObjectMapper().readTree(json.out());
    assertEquals("[1, 64, 16, 16]", lastLayerShape(node));
    assertEquals(node.get("explanationLayer").asText(), node.get("head").get("feature").asText());
  }

  private static String lastLayerShape(JsonNode node) {
    JsonNode layers = node.get("layers");
    for (JsonNode l : layers) {
      if (l.get("tensor").asText().equals(node.get("explanationLayer").asText())) {
        return l.get("shape").asText();
      }
    }
    return "missing";
  }

  @Test
  void predictPrintsTopLabelsAndWritesCsv(@TempDir Path tmp) throws IOException {
    Path csv = tmp.resolve("p.csv");
    Run r = lumen("predict", model.toString(), nodule.toString(), "-k", "1", "--csv", csv.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("nodule"), r.out());
    assertEquals("study,normal,nodule,opacity", Files.readAllLines(csv).get(0));
  }

  @Test
  void explainWritesRawMapOverlayAndManifest(@TempDir Path tmp) throws IOException {
    Run r = lumen("explain", model.toString(), nodule.toString(), "--target", "opacity,nodule", "-o", tmp.toString(),
        "--colormap", "viridis", "--boxes", "0.8");
    assertEquals(0, r.code(), r.err());
    Tensor raw = Npy.read(tmp.resolve("study-1-nodule/nodule.raw.npy")).tensor();
    Tensor map = Npy.read(tmp.resolve("study-1-nodule/nodule.map.npy")).tensor();
    assertEquals(16, raw.dim(2), "raw maps stay at the feature map's resolution");
    assertEquals(256, map.dim(2), "normalised maps are at the image's resolution");
    assertTrue(Files.size(tmp.resolve("study-1-nodule/opacity.png")) > 0);
    JsonNode manifest = new ObjectMapper().readTree(tmp.resolve("manifest.json").toFile());
    JsonNode explanations = manifest.get("studies").get(0).get("explanations");
    assertEquals("opacity", explanations.get(0).get("target").get("label").asText());
    assertEquals(1, explanations.get(1).get("target").get("index").asInt());
    JsonNode box = explanations.get(1).get("boxes").get(0).get(0);
    assertTrue(box.get("x0").asInt() < 197 && box.get("x1").asInt() > 197 && box.get("y0").asInt() < 92
        && box.get("y1").asInt() > 92 && box.get("confidence").floatValue() > 0.9f, "boxes the nodule: " + box);
    assertTrue(Files.size(tmp.resolve("study-1-nodule/boxes.png")) > 0);
  }

  @Test
  void foldersStandForTheStudiesInThem(@TempDir Path tmp) throws IOException {
    Run r = lumen("predict", model.toString(), demo.resolve("inputs").toString(), "-k", "1");
    assertEquals(0, r.code(), r.err());
    assertEquals(6, r.out().lines().filter(l -> l.startsWith("study-")).count(), r.out());
    Run empty = lumen("predict", model.toString(), tmp.toString());
    assertEquals(3, empty.code());
    assertTrue(empty.err().contains("folder holds no studies"), empty.err());
  }

  @Test
  void everyMethodRunsFromTheCommandLine(@TempDir Path tmp) throws IOException {
    for (String method : new String[] {"cam", "ablationcam", "scorecam", "crm", "crm-combined", "gradcam", "gradcam++",
        "xgradcam", "hirescam", "gradcam-elementwise", "layercam", "saliency", "inputxgradient", "guidedbackprop",
        "deconvnet", "integratedgradients", "smoothgrad-saliency", "smoothgrad2-inputxgradient",
        "vargrad-integratedgradients", "eigencam", "eigengradcam", "guidedgradcam", "fullgrad", "cnnfixations",
        "lrp-epsilon", "lrp-epsilon-gamma-box", "lrp-epsilon-plus", "lrp-epsilon-plus-flat", "lrp-epsilon-alpha2-beta1",
        "lrp-epsilon-alpha2-beta1-flat", "deeplift", "deepliftshap", "gradientshap", "kernelshap", "featureablation",
        "shapleysampling"}) {
      Path dir = tmp.resolve(method);
      Run r = lumen("explain", model.toString(), nodule.toString(), "--method", method, "--steps", "8",
          "--samples", "3", "--lime-samples", "50", "--segments", "16", "--permutations", "2", "--baseline", "blur",
          "--baselines", "zero,blur", "-o", dir.toString());
      assertEquals(0, r.code(), method + ": " + r.err());
      assertEquals(method, new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).get("method").asText());
    }
    Run unknown = lumen("explain", model.toString(), nodule.toString(), "--method", "magic", "-o", tmp.toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown method 'magic'; `lumen methods` lists them: [cam, gradcam,"), unknown.err());
  }

  @Test
  void exportWritesAModelThatLumenCanLoadAndLayerPicksTheMap(@TempDir Path tmp) throws IOException {
    Path exported = tmp.resolve("chest-gradcam.onnx");
    Run r = lumen("export", model.toString(), "--method", "gradcam++", "--target", "nodule", "-o", exported.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote") && Files.size(exported) > 0, r.out());
    Run inspect = lumen("inspect", exported.toString(), "--json");
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("lumen_heatmap"), inspect.out());
    Run bad = lumen("export", model.toString(), "--method", "occlusion", "-o", exported.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("export takes a gradient-weighted CAM method"), bad.err());

    String layer = "/features/features.2/features.2.2/Relu_output_0";
    Run early = lumen("explain", model.toString(), nodule.toString(), "--method", "layercam", "--layer", layer,
        "-o", tmp.resolve("early").toString());
    assertEquals(0, early.code(), early.err());
    assertEquals(layer, new ObjectMapper().readTree(tmp.resolve("early/manifest.json").toFile()).get("layer").asText());
    Run wrong = lumen("explain", model.toString(), nodule.toString(), "--method", "rise", "--layer", layer,
        "-o", tmp.resolve("wrong").toString());
    assertEquals(2, wrong.code());
  }

  @Test
  void limeWritesItsViewsAndSurrogate(@TempDir Path tmp) throws IOException {
    Run r = lumen("explain", model.toString(), nodule.toString(), "--method", "lime", "--lime-samples", "64",
        "--segments", "30", "--hide", "blur", "--views", "3", "--top", "2", "-o", tmp.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode lime = new ObjectMapper().readTree(tmp.resolve("manifest.json").toFile())
        .get("studies").get(0).get("explanations").get(0).get("lime");
    assertTrue(lime.get("r2").isNumber() && lime.get("superpixels").asInt() > 10, lime.toString());
    assertEquals(lime.get("superpixels").asInt(), lime.get("weights").size());
    assertEquals(64, lime.get("samples").asInt(), "without a tolerance every sample is fitted");
    Run early = lumen("explain", model.toString(), nodule.toString(), "--method", "lime", "--lime-samples", "1000",
        "--segments", "30", "--lime-tolerance", "0.5", "-o", tmp.resolve("early").toString());
    assertEquals(0, early.code(), early.err());
    int used = new ObjectMapper().readTree(tmp.resolve("early/manifest.json").toFile()).get("studies").get(0)
        .get("explanations").get(0).get("lime").get("samples").asInt();
    assertTrue(used >= 200 && used < 1000 && used % 100 == 0, "stopped early, at a check: " + used);
    Run shap = lumen("explain", model.toString(), nodule.toString(), "--method", "kernelshap", "--lime-samples",
        "1000", "--segments", "30", "--lime-tolerance", "0.5", "-o", tmp.resolve("shap").toString());
    assertEquals(0, shap.code(), shap.err());
    int coalitions = new ObjectMapper().readTree(tmp.resolve("shap/manifest.json").toFile()).get("studies").get(0)
        .get("explanations").get(0).get("kernelshap").get("coalitions").asInt();
    assertTrue(coalitions >= 200 && coalitions < 1000 && coalitions % 100 == 0, "KernelSHAP stopped at " + coalitions);
    Run loose = lumen("explain", model.toString(), nodule.toString(), "--method", "lime", "--lime-tolerance", "1",
        "-o", tmp.resolve("loose").toString());
    assertEquals(2, loose.code());
    assertTrue(loose.err().contains("tolerance must lie in [0, 1)"), loose.err());
    for (String view : List.of("region", "prosAndCons", "hideRest")) {
      assertTrue(Files.size(tmp.resolve(lime.get("views").get(view).asText())) > 0, view);
    }
    Run bad = lumen("explain", model.toString(), nodule.toString(), "--method", "lime", "--hide", "noise",
        "-o", tmp.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown hide 'noise': mean, zero or blur"), bad.err());
  }

  @Test
  void ensembleExplainsTheMeanOfItsMembers(@TempDir Path tmp) throws IOException {
    Run r = lumen("explain", testModel("resnet18").toString(), nodule.toString(), "--ensemble",
        testModel("mobilenet_v2").toString(), "--method", "gradcam", "-o", tmp.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode manifest = new ObjectMapper().readTree(tmp.resolve("manifest.json").toFile());
    assertEquals(1, manifest.get("ensemble").size());
    assertTrue(manifest.get("layer").asText().contains(" | "), manifest.get("layer").asText());
    Run mismatch = lumen("explain", testModel("resnet18").toString(), nodule.toString(), "--ensemble",
        model.toString(), "-o", tmp.resolve("x").toString());
    assertEquals(2, mismatch.code());
    assertTrue(mismatch.err().contains("share their labels"), mismatch.err());
  }

  /** The demo's six studies, labelled by their names, with a mask on study 1's nodule. */
  @Test
  void evaluateScoresTheModelAndItsExplanations(@TempDir Path tmp) throws IOException {
    java.awt.image.BufferedImage mask = new java.awt.image.BufferedImage(256, 256, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
    java.awt.Graphics2D g = mask.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillOval(197 - 24, 92 - 24, 48, 48);
    g.dispose();
    javax.imageio.ImageIO.write(mask, "png", tmp.resolve("nodule-mask.png").toFile());
    StringBuilder csv = new StringBuilder("image,label,mask:nodule\n");
    for (String study : List.of("study-1-nodule", "study-2-opacity", "study-3-normal", "study-4-nodule",
        "study-5-opacity", "study-6-normal")) {
      csv.append(demo.resolve("inputs/" + study + ".png").toAbsolutePath()).append(',')
          .append(study.substring(study.lastIndexOf('-') + 1)).append(',')
          .append(study.equals("study-1-nodule") ? "nodule-mask.png" : "").append('\n');
    }
    Path labels = Files.writeString(tmp.resolve("labels.csv"), csv.toString());
    Run r = lumen("evaluate", model.toString(), labels.toString(), "--json", tmp.resolve("report.json").toString(),
        "--roc", tmp.resolve("roc.svg").toString(), "--explanations", "cam,gradcam");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("6 studies") && r.out().contains("macro AUC"), r.out());
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
    assertEquals(6, report.get("studies").asInt());
    for (JsonNode label : report.get("labels")) {
      assertEquals(2, label.get("positives").asInt(), label.toString());
      assertTrue(label.get("auc").asDouble() >= 0 && label.get("auc").asDouble() <= 1);
    }
    assertTrue(report.get("multiClass").get("accuracy").asDouble() >= 0.5, report.get("multiClass").toString());
    assertEquals(1.0, report.get("explanations").get("cam").get("nodule").get("pointingGame").asDouble(),
        "CAM points at the nodule");
    assertTrue(Files.readString(tmp.resolve("roc.svg")).contains("<polyline"));

    // every method, with the settings explain takes (small ones: one study has a mask)
    Run all = lumen("evaluate", model.toString(), labels.toString(), "--json", tmp.resolve("all.json").toString(),
        "--explanations", "all", "--masks", "200", "--steps", "4", "--samples", "2", "--lime-samples", "100",
        "--window", "64", "--stride", "64", "--segments", "16", "--permutations", "1");
    assertEquals(0, all.code(), all.err());
    JsonNode everyMethod = new ObjectMapper().readTree(tmp.resolve("all.json").toFile()).get("explanations");
    List<String> scored = new java.util.ArrayList<>();
    everyMethod.fieldNames().forEachRemaining(scored::add);
    assertEquals(Methods.NAMES, scored);
    for (JsonNode method : everyMethod) {
      assertEquals(1, method.get("nodule").get("cases").asInt(), method.toString());
    }
    // a CSV that annotates one label scores that label only: the others are unknown, not absent
    StringBuilder noduleOnly = new StringBuilder("image,nodule\n");
    for (String study : List.of("study-1-nodule", "study-2-opacity", "study-3-normal", "study-4-nodule")) {
      noduleOnly.append(demo.resolve("inputs/" + study + ".png").toAbsolutePath()).append(',')
          .append(study.endsWith("nodule") ? 1 : 0).append('\n');
    }
    Path oneLabel = Files.writeString(tmp.resolve("nodule-only.csv"), noduleOnly.toString());
    Run partial = lumen("evaluate", model.toString(), oneLabel.toString(), "--json", tmp.resolve("one.json").toString());
    assertEquals(0, partial.code(), partial.err());
    JsonNode scoredLabels = new ObjectMapper().readTree(tmp.resolve("one.json").toFile()).get("labels");
    assertEquals(1, scoredLabels.size(), scoredLabels.toString());
    assertEquals("nodule", scoredLabels.get(0).get("label").asText());
    assertEquals(1.0, scoredLabels.get(0).get("auc").asDouble(), "the demo model tells nodules apart");
    Run badSetting = lumen("evaluate", model.toString(), labels.toString(), "--explanations", "rise", "--masks", "0");
    assertEquals(2, badSetting.code());
    assertTrue(badSetting.err().contains("RISE needs masks >= 1"), badSetting.err());

    Files.writeString(tmp.resolve("bad.csv"), "image,fracture\n" + nodule.toAbsolutePath() + ",1\n");
    Run bad = lumen("evaluate", model.toString(), tmp.resolve("bad.csv").toString());
    assertEquals(3, bad.code());
    assertTrue(bad.err().contains("bad.csv") && bad.err().contains("names label 'fracture'"), bad.err());
    Files.writeString(tmp.resolve("missing.csv"), "image,nodule\nnot-there.png,1\n");
    Run missing = lumen("evaluate", model.toString(), tmp.resolve("missing.csv").toString());
    assertEquals(3, missing.code());
    assertTrue(missing.err().contains("not-there.png, which does not exist"), missing.err());
  }

  /** A new head on the demo backbone, trained on the demo's studies, then evaluated and explained. */
  @Test
  void trainHeadWritesAModelWithCardThatEvaluatesAndExplains(@TempDir Path tmp) throws IOException {
    StringBuilder csv = new StringBuilder("image,label\n");
    for (String study : List.of("study-1-nodule", "study-2-opacity", "study-3-normal", "study-4-nodule",
        "study-5-opacity", "study-6-normal")) {
      csv.append(demo.resolve("inputs/" + study + ".png").toAbsolutePath()).append(',')
          .append(study.substring(study.lastIndexOf('-') + 1)).append('\n');
    }
    Path labels = Files.writeString(tmp.resolve("labels.csv"), csv.toString());
    Path trained = tmp.resolve("head.onnx");
    Run r = lumen("train-head", model.toString(), labels.toString(), "-o", trained.toString(), "--validation", "0",
        "--epochs", "300", "--class-weights", "balanced");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("multi-class") && r.out().contains("[nodule, opacity, normal]"), r.out());
    JsonNode card = new ObjectMapper().readTree(tmp.resolve("head.lumen.json").toFile());
    assertEquals("multi-class", card.get("task").asText());
    Run scores = lumen("evaluate", trained.toString(), labels.toString(), "--json", tmp.resolve("r.json").toString());
    assertEquals(0, scores.code(), scores.err());
    assertEquals(1.0, new ObjectMapper().readTree(tmp.resolve("r.json").toFile()).get("multiClass").get("accuracy").asDouble(),
        "the head fits its training studies");
    Run cam = lumen("explain", trained.toString(), nodule.toString(), "-o", tmp.resolve("cam").toString());
    assertEquals(0, cam.code(), cam.err());
  }

  @Test
  void methodsListsEveryMethodWithOneLine() {
    Run r = lumen("methods");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("gradcam++ ") && l.contains("Grad-CAM++")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("vargrad-guidedbackprop ")), r.out());
    assertEquals(Methods.NAMES.size(), r.out().lines().count());
  }

  /** A rule given for the input layer replaces the composite's: z^B and flat draw different maps. */
  @Test
  void lrpRulesReplaceTheCompositesByLayer(@TempDir Path tmp) throws IOException {
    Run box = lumen("explain", model.toString(), nodule.toString(), "--method", "lrp-epsilon-gamma-box",
        "-o", tmp.resolve("box").toString());
    assertEquals(0, box.code(), box.err());
    Run flat = lumen("explain", model.toString(), nodule.toString(), "--method", "lrp-epsilon-gamma-box",
        "--lrp-rule", "first=flat", "--lrp-gamma", "0.5", "-o", tmp.resolve("flat").toString());
    assertEquals(0, flat.code(), flat.err());
    Tensor a = Npy.read(tmp.resolve("box/study-1-nodule/nodule.raw.npy")).tensor();
    Tensor b = Npy.read(tmp.resolve("flat/study-1-nodule/nodule.raw.npy")).tensor();
    assertFalse(java.util.Arrays.equals(a.toArray(), b.toArray()), "the first layer's rule changes the map");
    Run unknown = lumen("explain", model.toString(), nodule.toString(), "--method", "lrp-epsilon",
        "--lrp-rule", "head=gamma", "-o", tmp.resolve("bad").toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("an LRP rule names 'head'"), unknown.err());
  }

  @Test
  void gradCamExplainsAHeadCamCannot(@TempDir Path tmp) throws IOException {
    Run r = lumen("explain", testModel("dense_head").toString(), nodule.toString(), "--method", "gradcam",
        "-o", tmp.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("gradcam", new ObjectMapper().readTree(tmp.resolve("manifest.json").toFile()).get("method").asText());
  }

  @Test
  void occlusionRunsFromTheCommandLine(@TempDir Path tmp) throws IOException {
    Run r = lumen("explain", model.toString(), nodule.toString(), "--method", "occlusion", "--window", "16",
        "--stride", "16", "--fill", "mean", "-o", tmp.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(128, Npy.read(tmp.resolve("study-1-nodule/nodule.raw.npy")).tensor().dim(2), "at the input's resolution");
    JsonNode manifest = new ObjectMapper().readTree(tmp.resolve("manifest.json").toFile());
    assertEquals("occlusion", manifest.get("method").asText());
    Run rise = lumen("explain", model.toString(), nodule.toString(), "--method", "rise", "--masks", "64", "--seed", "3",
        "-o", tmp.resolve("rise").toString());
    assertEquals(0, rise.code(), rise.err());
    Run bad = lumen("explain", model.toString(), nodule.toString(), "--method", "occlusion", "--fill", "noise", "-o", tmp.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown fill 'noise', expected one of [zero, mean, blur]"), bad.err());
  }

  @Test
  void missingAndCorruptFilesExitThreeWithOneLine(@TempDir Path tmp) throws IOException {
    Run missing = lumen("predict", model.toString(), tmp.resolve("nope.png").toString());
    assertEquals(3, missing.code());
    assertEquals("lumen: " + tmp.resolve("nope.png") + ": no such file\n", missing.err());
    Path corrupt = tmp.resolve("broken.png");
    Files.write(corrupt, java.util.Arrays.copyOf(Files.readAllBytes(nodule), 300));
    Run broken = lumen("explain", model.toString(), corrupt.toString(), "-o", tmp.resolve("o").toString());
    assertEquals(3, broken.code());
    assertTrue(broken.err().startsWith("lumen: " + corrupt + ": corrupt or truncated image"), broken.err());
    assertFalse(broken.err().contains("\tat "), "no stack trace without --verbose");
    Path notOnnx = tmp.resolve("fake.onnx");
    Files.copy(nodule, notOnnx);
    Run fake = lumen("inspect", notOnnx.toString());
    assertEquals(3, fake.code());
    assertTrue(fake.err().startsWith("lumen: " + notOnnx + ": not an ONNX model"), fake.err());
    Path textImage = Files.writeString(tmp.resolve("report.jpg"), "findings: none");
    Run text = lumen("predict", model.toString(), textImage.toString());
    assertEquals(3, text.code());
    assertTrue(text.err().startsWith("lumen: " + textImage + ": not an image"), text.err());
  }

  @Test
  void inspectWithoutACardSaysSoAndExplainsWhyCamCannotWork() {
    Run r = lumen("inspect", testModel("dense_head").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("card         none"), r.out());
    assertTrue(r.out().contains("CAM head     no: the linear layer reads /Relu_1 (Relu), not a global average pooling"), r.out());
  }

  @Test
  void headCamCannotUseExitsThreeAndPointsToGradCam() {
    Run r = lumen("explain", testModel("dense_head").toString(), nodule.toString(), "-o", demo.resolve("x").toString());
    assertEquals(3, r.code());
    assertTrue(r.err().contains("CAM needs a head of global average pooling followed by a linear layer"), r.err());
    assertTrue(r.err().contains("Grad-CAM"), r.err());
  }

  @Test
  void wrongKindOfStudyAndUnknownLabelAreUsageErrors() {
    Run volumeToImageModel = lumen("predict", model.toString(),
        Path.of(System.getProperty("lumen.testModels", "build/test-models")).resolve("mrnet.input.npy").toString());
    assertEquals(3, volumeToImageModel.code(), volumeToImageModel.err());
    assertTrue(volumeToImageModel.err().contains("holds an array of shape [1, 5, 3, 256, 256]; the model takes single "
        + "images"), volumeToImageModel.err());
    Run imageToVolumeModel = lumen("predict", testModel("mrnet").toString(), nodule.toString());
    assertEquals(2, imageToVolumeModel.code());
    assertTrue(imageToVolumeModel.err().contains("takes whole exams"), imageToVolumeModel.err());
    Run label = lumen("explain", model.toString(), nodule.toString(), "-t", "fracture", "-o", demo.resolve("y").toString());
    assertEquals(2, label.code());
    assertTrue(label.err().contains("unknown label 'fracture'"), label.err());
  }

  @Test
  void wrongInputRankIsReportedWithTheShape(@TempDir Path tmp) throws IOException {
    // A model whose input is a flat vector: not an image model.
    Path linear = Path.of("/usr/share/libonnx-testdata/data/pytorch-converted/test_Linear/model.onnx");
    Run r = lumen("inspect", linear.toString());
    assertEquals(3, r.code());
    assertTrue(r.err().contains("Lumen explains image models with inputs [N,C,H,W], [N,H,W,C] or [1,slices,C,H,W]"), r.err());
  }

  @Test
  void volumeExamsGetOneOverlayPerSlice(@TempDir Path tmp) throws IOException {
    Path exam = tmp.resolve("0001.npy");
    float[] v = new float[3 * 256 * 256];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i * 31) % 256;
    }
    Npy.write(exam, Tensor.of(v, 3, 256, 256));
    Run r = lumen("explain", testModel("mrnet").toString(), exam.toString(), "--all", "-o", tmp.resolve("out").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(tmp.resolve("out/0001/class_1.slice-002.png")));
    assertEquals(3, Npy.read(tmp.resolve("out/0001/class_0.raw.npy")).tensor().dim(0));
  }

  @Test
  void inputAttributionsAlsoWriteEveryChannelAsCaptumAndPytorchGradCamShowThem(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("gb");
    Run r = lumen("explain", model.toString(), nodule.toString(), "--method", "guidedbackprop", "-t", "nodule",
        "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode entry = new ObjectMapper().readTree(out.resolve("manifest.json").toFile())
        .get("studies").get(0).get("explanations").get(0);
    Tensor attribution = Npy.read(out.resolve(entry.get("attribution").asText())).tensor();
    assertEquals(4, attribution.rank(), "[slices, channels, h, w]");
    assertEquals(1, attribution.dim(0));
    java.awt.image.BufferedImage channels = javax.imageio.ImageIO.read(out.resolve(entry.get("channels").asText()).toFile());
    assertEquals(attribution.dim(3), channels.getWidth(), "shown at the input's resolution");
  }
}
