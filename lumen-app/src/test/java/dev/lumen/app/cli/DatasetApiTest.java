package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumen.core.image.Images;
import dev.lumen.core.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Datasets and evaluation jobs over the real API: the same numbers as {@code lumen evaluate} and {@code evaluate-mrnet}. */
class DatasetApiTest extends ServerTestBase {
  /** The demo's datasets by kind; those a test registers are named "test: ...". */
  private static Map<String, JsonNode> datasetsByKind() throws Exception {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode d : api.json("GET", "/api/datasets", null, 200)) {
      if (!d.get("name").asText().startsWith("test: ")) {
        out.put(d.get("kind").asText(), d);
      }
    }
    return out;
  }

  /** The report of the evaluation job {@code request} asks for, once it is done. */
  private static JsonNode evaluated(String request) throws Exception {
    JsonNode queued = api.json("POST", "/api/evaluations", request, 202);
    JsonNode done = api.waitFor(queued.get("job").get("id").asText());
    assertEquals("done", done.get("state").asText(), done.toString());
    return api.json("GET", "/api/evaluations/" + done.get("result").get("evaluation").asText(), null, 200)
        .get("report");
  }

  @Test
  void theDemoDatasetsAreRegisteredWithTheirCasesStudiesAndMasks() throws Exception {
    Map<String, JsonNode> datasets = datasetsByKind();
    JsonNode chest = datasets.get("labels");
    assertEquals(12, chest.get("cases").get("all").asInt(), chest.toString());
    assertTrue(chest.get("labels").toString().contains("nodule"), chest.toString());
    JsonNode knee = datasets.get("mrnet");
    assertEquals("{\"train\":4,\"valid\":4}", knee.get("cases").toString());
    assertEquals("[\"abnormal\",\"acl\",\"meniscus\"]", knee.get("labels").toString());

    String chestId = chest.get("id").asText();
    JsonNode cases = api.json("GET", "/api/datasets/" + chestId + "/cases", null, 200);
    assertEquals(12, cases.size());
    JsonNode withMask = java.util.stream.StreamSupport.stream(cases.spliterator(), false)
        .filter(c -> c.get("masks").size() > 0).findFirst().orElseThrow(() -> new AssertionError("no chest mask"));
    JsonNode opened = api.json("GET", "/api/datasets/" + chestId + "/cases/" + withMask.get("id").asText(), null, 200);
    String study = opened.get("studies").get("image").asText();
    assertEquals(study, api.json("GET", "/api/studies/" + study, null, 200).get("id").asText());
    String label = withMask.get("masks").fieldNames().next();
    Path served = Files.write(data.resolve("mask.npy"), api.send("GET", withMask.get("masks").get(label).asText(), null)
        .body());
    float[] mask = Npy.read(served).tensor().unsafeData();
    Path csvFolder = data.resolve("demo/datasets/chest-findings");
    String maskFile = Files.readAllLines(csvFolder.resolve("train.csv")).stream()
        .filter(l -> l.startsWith(withMask.get("name").asText() + ",")).findFirst().orElseThrow();
    String[] header = Files.readAllLines(csvFolder.resolve("train.csv")).get(0).split(",");
    String file = maskFile.split(",", -1)[java.util.Arrays.asList(header).indexOf("mask:" + label)];
    float[] drawn = Images.read(csvFolder.resolve(file)).pixels().unsafeData();
    assertEquals(drawn.length, mask.length);
    for (int i = 0; i < drawn.length; i++) {
      assertEquals(drawn[i] != 0 ? 1f : 0f, mask[i], "mask pixel " + i);
    }

    String kneeId = knee.get("id").asText();
    JsonNode exams = api.json("GET", "/api/datasets/" + kneeId + "/cases?split=valid", null, 200);
    assertEquals(4, exams.size());
    JsonNode exam = api.json("GET", "/api/datasets/" + kneeId + "/cases/" + exams.get(0).get("id").asText(), null, 200);
    assertEquals("[\"axial\",\"coronal\",\"sagittal\"]", names(exam.get("studies")));
    assertEquals("volume", api.json("GET", "/api/studies/" + exam.get("studies").get("sagittal").asText(), null, 200)
        .get("kind").asText());
  }

  private static String names(JsonNode object) {
    java.util.List<String> out = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return TestServer.JSON.valueToTree(out).toString();
  }

  @Test
  void anEvaluationJobGivesTheNumbersOfLumenEvaluate() throws Exception {
    JsonNode chest = datasetsByKind().get("labels");
    String model = api.modelId("chest-findings.onnx");
    JsonNode report = evaluated("{\"dataset\": \"" + chest.get("id").asText() + "\", \"model\": \"" + model
        + "\", \"explanations\": [\"cam\"], \"quality\": [\"insertion\", \"relevance-rank\"]}");
    assertEquals(12, report.get("cases").size());
    Path json = data.resolve("cli-report.json");
    CliTest.Run run = CliTest.lumen("evaluate", data.resolve("demo/chest-findings.onnx").toString(),
        data.resolve("demo/datasets/chest-findings/train.csv").toString(), "--explanations", "cam", "--quality",
        "insertion,relevance-rank", "--json", json.toString());
    assertEquals(0, run.code(), run.err());
    JsonNode cli = TestServer.JSON.readTree(json.toFile());
    assertEquals(cli.get("labels").toString(), report.get("labels").toString());
    assertEquals(cli.get("explanations").toString(), report.get("explanations").toString());
    assertTrue(report.get("explanations").get("cam").elements().next().has("insertionAuc"), report.toString());
    assertEquals(cli.get("cases").toString(), report.get("cases").toString());
    assertEquals(1, api.json("GET", "/api/evaluations?dataset=" + chest.get("id").asText(), null, 200).size());
  }

  @Test
  void anExamEvaluationJobGivesTheNumbersOfLumenEvaluateMrnet() throws Exception {
    JsonNode knee = datasetsByKind().get("mrnet");
    String planes = "{\"axial\": \"" + api.modelId("knee-axial.onnx") + "\", \"coronal\": \""
        + api.modelId("knee-coronal.onnx") + "\", \"sagittal\": \"" + api.modelId("knee-sagittal.onnx") + "\"}";
    JsonNode report = evaluated("{\"dataset\": \"" + knee.get("id").asText() + "\", \"planes\": " + planes + "}");
    assertEquals(4, report.get("exams").size());
    JsonNode exam = report.get("exams").get(0);
    assertTrue(exam.get("planes").has("sagittal") && exam.get("combined").has("acl"), exam.toString());
    Path json = data.resolve("cli-exams.json");
    Path demo = data.resolve("demo");
    CliTest.Run run = CliTest.lumen("evaluate-mrnet", demo.resolve("datasets/knee-exams").toString(),
        "--axial", demo.resolve("knee-axial.onnx").toString(), "--coronal", demo.resolve("knee-coronal.onnx").toString(),
        "--sagittal", demo.resolve("knee-sagittal.onnx").toString(), "-o", data.resolve("k.lumen-exams.json").toString(),
        "--json", json.toString());
    assertEquals(0, run.code(), run.err());
    JsonNode cli = TestServer.JSON.readTree(json.toFile());
    assertEquals(cli.get("validationAuc").toString(), report.get("validationAuc").toString());
    assertEquals(cli.get("exams").toString(), report.get("exams").toString());
  }

  @Test
  void sliceEvidenceAddsUpToTheLogitLessTheBias() throws Exception {
    JsonNode knee = datasetsByKind().get("mrnet");
    String model = api.modelId("knee-sagittal.onnx");
    double[] logit = new double[2];
    double[] total = new double[2];
    JsonNode exams = api.json("GET", "/api/datasets/" + knee.get("id").asText() + "/cases?split=valid", null, 200);
    for (int e = 0; e < 2; e++) {
      String study = api.json("GET", "/api/datasets/" + knee.get("id").asText() + "/cases/"
          + exams.get(e).get("id").asText(), null, 200).get("studies").get("sagittal").asText();
      JsonNode p = api.json("POST", "/api/predictions", "{\"model\": \"" + model + "\", \"study\": \"" + study
          + "\"}", 200);
      double probability = p.get("scores").get(1).get("probability").asDouble();
      assertEquals("acl", p.get("scores").get(1).get("label").asText());
      logit[e] = Math.log(probability / (1 - probability));
      JsonNode evidence = api.json("GET", "/api/studies/" + study + "/evidence?model=" + model + "&label=acl", null, 200);
      double sum = 0;
      for (JsonNode v : evidence.get("slices")) {
        sum += v.asDouble();
      }
      assertEquals(evidence.get("total").asDouble(), sum, 1e-9);
      total[e] = sum;
    }
    // the bias is the same for both exams: the difference of logits is the difference of evidence
    assertEquals(logit[0] - logit[1], total[0] - total[1], 1e-3);
    api.json("GET", "/api/studies/" + api.studyId("study-1-nodule.png") + "/evidence?model="
        + api.modelId("chest-demo.onnx") + "&label=nodule", null, 400);
  }

  /**
   * A labels CSV of knee exams with a NIfTI mask volume: the mask is served slice by slice as
   * drawn, and the server's evaluation of a plane model gives {@code lumen evaluate}'s scores.
   */
  @Test
  void aCsvOfVolumesWithNiftiMasksIsServedAndEvaluatedAsTheCliDoes() throws Exception {
    Path knee = data.resolve("knee-volumes");
    dev.lumen.app.demodata.KneeDataset.write(knee, 4, 13, 64, 0.5);
    java.util.List<Path> exams;
    try (var files = Files.list(knee.resolve("train/sagittal"))) {
      exams = files.sorted().toList();
    }
    var volume = Images.readNpyVolume(exams.get(0));
    int depth = volume.depth();
    byte[] box = new byte[depth * 64 * 64];
    for (int z = 2; z < depth - 2; z++) {
      for (int y = 8; y < 30; y++) {
        for (int x = 20; x < 50; x++) {
          box[(z * 64 + y) * 64 + x] = 1;
        }
      }
    }
    Path npyMask = knee.resolve("acl-box.npy");
    Npy.writeUint8(npyMask, box, depth, 64, 64);
    dev.lumen.core.io.NiftiWriter.write(knee.resolve("acl-box.nii.gz"), Images.readNpyVolume(npyMask),
        new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}});
    Path csv = Files.writeString(knee.resolve("volumes.csv"), "image,acl,mask:acl\n"
        + knee.relativize(exams.get(0)) + ",1,acl-box.nii.gz\n" + knee.relativize(exams.get(1)) + ",0,\n");
    JsonNode dataset = api.json("POST", "/api/datasets", "{\"path\": \"" + csv + "\", \"name\": \"test: knee volumes\"}",
        201);
    JsonNode cases = api.json("GET", "/api/datasets/" + dataset.get("id").asText() + "/cases", null, 200);
    Path served = Files.write(data.resolve("acl-box-served.npy"), api.send("GET", cases.get(0).get("masks").get("acl")
        .asText(), null).body());
    var mask = Npy.read(served).tensor();
    assertEquals(java.util.List.of((long) depth, 64L, 64L), java.util.Arrays.stream(mask.shape()).boxed().toList());
    for (int i = 0; i < box.length; i++) {
      assertEquals(box[i], mask.unsafeData()[i], "voxel " + i);
    }
    String model = api.modelId("knee-sagittal.onnx");
    JsonNode report = evaluated("{\"dataset\": \"" + dataset.get("id").asText() + "\", \"model\": \"" + model
        + "\", \"explanations\": [\"cam\"]}");
    Path json = data.resolve("volumes-report.json");
    CliTest.Run cli = CliTest.lumen("evaluate", data.resolve("demo/knee-sagittal.onnx").toString(), csv.toString(),
        "--explanations", "cam", "--json", json.toString());
    assertEquals(0, cli.code(), cli.err());
    JsonNode expected = TestServer.JSON.readTree(json.toFile());
    assertEquals(1, expected.get("explanations").get("cam").get("acl").get("cases").asInt());
    assertEquals(expected.get("explanations"), report.get("explanations"));
  }

  @Test
  void badDatasetsAndEvaluationsAreRefused() throws Exception {
    Files.createDirectories(data.resolve("empty"));
    Files.writeString(data.resolve("notes.txt"), "x");
    JsonNode chest = datasetsByKind().get("labels");
    String model = api.modelId("chest-findings.onnx");
    String[][] cases = {
        {"/api/datasets", "{\"path\": \"/etc\"}", "403", "outside the folders"},
        {"/api/datasets", "{\"path\": \"" + data.resolve("empty") + "\"}", "422", "holds no studies"},
        {"/api/datasets", "{\"path\": \"" + data.resolve("notes.txt") + "\"}", "422", "neither a labels CSV"},
        {"/api/datasets", "{}", "400", "give the dataset's 'path'"},
        {"/api/evaluations", "{\"dataset\": \"nope\", \"model\": \"" + model + "\"}", "404", "no dataset 'nope'"},
        {"/api/evaluations", "{\"dataset\": \"" + chest.get("id").asText() + "\"}", "400", "give the 'model'"},
        {"/api/evaluations", "{\"dataset\": \"" + chest.get("id").asText() + "\", \"planes\": {\"axial\": \"" + model
            + "\"}}", "400", "give the 'model'"},
        {"/api/evaluations", "{\"dataset\": \"" + chest.get("id").asText() + "\", \"model\": \"" + model
            + "\", \"threshold\": 2}", "400", "threshold must be in [0, 1]"},
        {"/api/evaluations", "{\"dataset\": \"" + chest.get("id").asText() + "\", \"model\": \"" + model
            + "\", \"explanations\": [\"gradcan\"]}", "400", "unknown method 'gradcan'"},
    };
    for (String[] c : cases) {
      JsonNode error = api.json("POST", c[0], c[1], Integer.parseInt(c[2]));
      assertTrue(error.get("detail").asText().contains(c[3]), c[1] + " -> " + error);
    }
    api.json("GET", "/api/datasets/" + chest.get("id").asText() + "/cases/999", null, 404);
    api.json("GET", "/api/evaluations/nope", null, 404);
  }
}
