package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.image.Images;
import dev.lumen.core.io.Npy;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code lumen serve}'s API over real HTTP on an ephemeral port, with a real SQLite store and the demo registered. */
class ServerTest extends ServerTestBase {
  @Test
  void theDemoIsRegisteredAndPredictionsEqualTheJavaApis() throws Exception {
    assertEquals("ok", api.json("GET", "/api/health", null, 200).get("status").asText());
    String model = api.modelId("chest-demo.onnx");
    JsonNode card = api.json("GET", "/api/models/" + model, null, 200);
    assertEquals("[\"normal\",\"nodule\",\"opacity\"]", card.get("labels").toString());
    JsonNode p = api.json("POST", "/api/predictions", "{\"model\": \"" + model + "\", \"study\": \""
        + api.studyId("study-1-nodule.png") + "\"}", 200);
    try (Model m = Model.load(data.resolve("demo/chest-demo.onnx"))) {
      float expected = m.predict(Images.read(data.resolve("demo/studies/study-1-nodule.png"))).score(1).probability();
      assertEquals(expected, p.get("scores").get(1).get("probability").floatValue(), 0f);
    }
  }

  @Test
  void anExplanationRunsAsAJobThenComesFromTheStoreAndEqualsTheJavaApis() throws Exception {
    String model = api.modelId("chest-demo.onnx");
    String study = api.studyId("study-4-nodule.png");
    String request = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"gradcam\", "
        + "\"labels\": [\"nodule\"]}";
    JsonNode queued = api.json("POST", "/api/explanations", request, 202);
    String job = queued.get("job").get("id").asText();
    JsonNode done = api.waitFor(job);
    assertEquals("done", done.get("state").asText(), done.toString());
    JsonNode stored = api.json("POST", "/api/explanations", request, 200);
    JsonNode e = stored.get("explanations").get(0);
    assertEquals(done.get("result").get("explanations").get(0).asText(), e.get("key").asText());
    assertEquals("nodule", e.get("target").get("label").asText());
    Path mapFile = Files.write(data.resolve("map.npy"), api.send("GET", e.get("files").get("map").asText(), null).body());
    Tensor served = Npy.read(mapFile).tensor();
    try (Model m = Model.load(data.resolve("demo/chest-demo.onnx"))) {
      Tensor direct = GradientCam.of(m, CamFormula.GRADCAM)
          .explain(Images.read(data.resolve("demo/studies/study-4-nodule.png")), Targets.labels(List.of("nodule")))
          .get(0).heatmap();
      assertArrayEquals(direct.toArray(), served.toArray(), 1e-6f);
    }
    byte[] compact = api.send("GET", e.get("files").get("compact").asText(), null).body();
    ByteBuffer b = ByteBuffer.wrap(compact);
    assertEquals(served.dim(0), b.getInt());
    assertEquals(served.dim(1), b.getInt());
    assertEquals(served.dim(2), b.getInt());
    assertEquals(Math.round(served.get(100) * 255), Byte.toUnsignedInt(compact[12 + 100]));
    HttpResponse<byte[]> png = api.send("GET", e.get("files").get("overlay").asText(), null);
    assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void aRequestThatWaitsGetsItsExplanationsInTheAnswerAndTheOverlayIsDrawnOnce() throws Exception {
    String model = api.modelId("chest-demo.onnx");
    String request = "{\"model\": \"" + model + "\", \"study\": \"" + api.studyId("study-2-opacity.png")
        + "\", \"method\": \"gradcam++\", \"labels\": [\"opacity\"]}";
    api.json("POST", "/api/explanations?wait=60001", request, 400);
    api.json("POST", "/api/explanations?wait=soon", request, 400);
    JsonNode waited = api.json("POST", "/api/explanations?wait=60000", request, 200);
    JsonNode e = waited.get("explanations").get(0);
    assertEquals("opacity", e.get("target").get("label").asText());
    assertEquals(e.get("key").asText(), api.json("POST", "/api/explanations", request, 200).get("explanations").get(0)
        .get("key").asText(), "what the wait answered is what the store holds");
    byte[] first = api.send("GET", e.get("files").get("overlay").asText(), null).body();
    byte[] again = api.send("GET", e.get("files").get("overlay").asText(), null).body();
    assertArrayEquals(first, again, "the overlay is rendered on the first fetch and then served as stored");
    java.awt.image.BufferedImage drawn = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(first));
    java.awt.image.BufferedImage study = javax.imageio.ImageIO.read(data.resolve("demo/studies/study-2-opacity.png")
        .toFile());
    assertEquals(study.getWidth(), drawn.getWidth());
    assertEquals(study.getHeight(), drawn.getHeight());

    // a wait shorter than the job answers 202 with the job, which goes on to finish
    String slow = "{\"model\": \"" + model + "\", \"study\": \"" + api.studyId("study-2-opacity.png")
        + "\", \"method\": \"rise\", \"labels\": [\"opacity\"], \"settings\": {\"masks\": 2000}}";
    JsonNode queued = api.json("POST", "/api/explanations?wait=1", slow, 202);
    assertEquals("done", api.waitFor(queued.get("job").get("id").asText()).get("state").asText());
    assertEquals(1, api.json("POST", "/api/explanations", slow, 200).get("explanations").size());
  }

  @Test
  void limeKeepsItsSurrogateAndSuperpixelsAndEqualsTheJavaApi() throws Exception {
    String model = api.modelId("chest-demo.onnx");
    String request = "{\"model\": \"" + model + "\", \"study\": \"" + api.studyId("study-1-nodule.png")
        + "\", \"method\": \"lime\", \"labels\": [\"nodule\"], \"settings\": {\"limeSamples\": 60, \"seed\": 3}}";
    JsonNode done = api.waitFor(api.json("POST", "/api/explanations", request, 202).get("job").get("id").asText());
    assertEquals("done", done.get("state").asText(), done.toString());
    JsonNode e = api.json("POST", "/api/explanations", request, 200).get("explanations").get(0);
    JsonNode details = api.json("GET", e.get("files").get("lime").asText(), null, 200);
    int superpixels = details.get("superpixels").asInt();
    assertEquals(superpixels, details.get("weights").size());
    assertTrue(details.get("r2").asDouble() <= 1, details.toString());
    Tensor segments = Npy.read(Files.write(data.resolve("segments.npy"), api.send("GET",
        e.get("files").get("segments").asText(), null).body())).tensor();
    float top = 0;
    for (float label : segments.unsafeData()) {
      top = Math.max(top, label);
    }
    assertEquals(superpixels - 1, (int) top, "the superpixels are numbered 0 to " + (superpixels - 1));
    Tensor served = Npy.read(Files.write(data.resolve("lime.npy"), api.send("GET", e.get("files").get("map").asText(),
        null).body())).tensor();
    java.util.Map<String, Object> settings = TestServer.JSON.convertValue(dev.lumen.app.service.MethodSettings.defaults(),
        java.util.Map.class);
    settings.put("limeSamples", 60);
    settings.put("seed", 3);
    try (Model m = Model.load(data.resolve("demo/chest-demo.onnx"));
         var lime = dev.lumen.app.service.Methods.create("lime", m, TestServer.JSON.convertValue(settings,
             dev.lumen.app.service.MethodSettings.class).resolve(), null)) {
      Tensor direct = lime.explain(Images.read(data.resolve("demo/studies/study-1-nodule.png")),
          Targets.labels(List.of("nodule"))).get(0).heatmap();
      assertArrayEquals(direct.toArray(), served.toArray(), 1e-6f);
    }
    String shap = request.replace("\"lime\"", "\"kernelshap\"").replace("\"limeSamples\": 60",
        "\"limeSamples\": 1000, \"limeTolerance\": 0.5");
    api.waitFor(api.json("POST", "/api/explanations", shap, 202).get("job").get("id").asText());
    JsonNode early = api.json("POST", "/api/explanations", shap, 200).get("explanations").get(0);
    int coalitions = api.json("GET", early.get("files").get("details").asText(), null, 200).get("coalitions").asInt();
    assertTrue(coalitions >= 200 && coalitions < 1000, "KernelSHAP's details say how many coalitions it scored");
    JsonNode boxes = api.json("GET", "/api/explanations/" + e.get("key").asText() + "/boxes.json?threshold=0.6", null,
        200);
    for (JsonNode box : boxes) {
      JsonNode b = box.get("box");
      float max = 0;
      for (int y = b.get(1).asInt(); y < b.get(3).asInt(); y++) {
        for (int x = b.get(0).asInt(); x < b.get(2).asInt(); x++) {
          max = Math.max(max, served.get(y * served.dim(2) + x));
        }
      }
      float confidence = box.get("confidence").floatValue();
      assertTrue(confidence >= 0.6f && max >= confidence - 1e-6f, "the region's top heat lies inside its box: " + box);
    }
    assertTrue(boxes.size() > 0, "LIME's map has regions above 0.6");
    api.json("GET", "/api/explanations/" + e.get("key").asText() + "/boxes.json?threshold=2", null, 400);
  }

  @Test
  void aDicomUploadIsAStudyThatIsPredictedAndDrawn() throws Exception {
    Path references = Path.of(System.getProperty("lumen.dicomReferences", "build/dicom-references"));
    Path ct = Path.of(Files.readString(references.resolve("source.txt")).trim()).resolve("CT_small.dcm");
    HttpResponse<byte[]> r = api.send("POST", "/api/studies?name=ct.dcm", Files.readAllBytes(ct));
    assertEquals(201, r.statusCode(), new String(r.body()));
    String study = TestServer.JSON.readTree(r.body()).get("id").asText();
    JsonNode p = api.json("POST", "/api/predictions", "{\"model\": \"" + api.modelId("chest-demo.onnx")
        + "\", \"study\": \"" + study + "\"}", 200);
    try (Model m = Model.load(data.resolve("demo/chest-demo.onnx"))) {
      assertEquals(m.predict(Images.read(ct)).score(1).probability(), p.get("scores").get(1).get("probability")
          .floatValue(), 1e-6f);
    }
    ByteBuffer pixels = ByteBuffer.wrap(api.send("GET", "/api/studies/" + study + "/pixels.u8", null).body());
    assertEquals(1, pixels.getInt());
    assertEquals(128, pixels.getInt());
    assertEquals(128, pixels.getInt());
  }

  /**
   * A DICOM series uploaded as a ZIP of its files — in a folder, in reverse name order — is one
   * volume study, ordered by position as the series folder is read: its slices and the plane
   * model's prediction are those of the folder. An archive holding two series, or not an archive
   * at all behind its first bytes, is refused naming the upload.
   */
  @Test
  void aZippedDicomSeriesIsOneVolumeStudy() throws Exception {
    Path folder = DicomStudiesTest.pydicomFile("dicomdirtests/98892001/CT5N");
    HttpResponse<byte[]> r = api.send("POST", "/api/studies?name=ct5n.zip", seriesZip(folder, null));
    assertEquals(201, r.statusCode(), new String(r.body()));
    JsonNode study = TestServer.JSON.readTree(r.body());
    assertEquals("volume", study.get("kind").asText());
    String id = study.get("id").asText();
    dev.lumen.core.image.Volume expected = dev.lumen.core.dicom.DicomSeries.read(folder).volume();
    ByteBuffer pixels = ByteBuffer.wrap(api.send("GET", "/api/studies/" + id + "/pixels.u8", null).body());
    assertEquals(expected.depth(), pixels.getInt());
    assertEquals(16, pixels.getInt());
    assertEquals(16, pixels.getInt());
    JsonNode p = api.json("POST", "/api/predictions", "{\"model\": \"" + api.modelId("knee-sagittal.onnx")
        + "\", \"study\": \"" + id + "\"}", 200);
    try (Model m = Model.load(data.resolve("demo/knee-sagittal.onnx"))) {
      assertEquals(m.predict(expected).score(0).probability(), p.get("scores").get(0).get("probability").floatValue(),
          1e-6f, "the slices in the positions' order, as the folder gives them");
    }
    HttpResponse<byte[]> mixed = api.send("POST", "/api/studies?name=mixed.zip",
        seriesZip(folder, DicomStudiesTest.pydicomFile("CT_small.dcm")));
    assertEquals(422, mixed.statusCode(), new String(mixed.body()));
    assertTrue(new String(mixed.body()).contains("mixed.zip: holds 2 series"), new String(mixed.body()));
    byte[] broken = java.util.Arrays.copyOf(new byte[] {'P', 'K', 3, 4}, 200);
    HttpResponse<byte[]> junk = api.send("POST", "/api/studies?name=junk.zip", broken);
    assertEquals(422, junk.statusCode(), new String(junk.body()));
    assertTrue(new String(junk.body()).contains("junk.zip"), new String(junk.body()));
  }

  /** The files of {@code folder} (and {@code extra}, when not null) zipped under {@code series/}, last name first. */
  static byte[] seriesZip(Path folder, Path extra) throws java.io.IOException {
    List<Path> files;
    try (var list = Files.list(folder)) {
      files = new java.util.ArrayList<>(list.sorted(java.util.Comparator.reverseOrder()).toList());
    }
    if (extra != null) {
      files.add(extra);
    }
    var bytes = new java.io.ByteArrayOutputStream();
    try (var zip = new java.util.zip.ZipOutputStream(bytes)) {
      for (Path f : files) {
        zip.putNextEntry(new java.util.zip.ZipEntry("series/" + f.getFileName()));
        zip.write(Files.readAllBytes(f));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void aNiftiUploadIsAVolumeStudyAndA4dOneIsRefused() throws Exception {
    Path references = Path.of(System.getProperty("lumen.dicomReferences", "build/dicom-references"));
    List<String> nifti = Files.readAllLines(references.resolve("nifti.tsv"));
    Path anatomical = Path.of(nifti.get(0).split("\t")[0]);
    HttpResponse<byte[]> r = api.send("POST", "/api/studies?name=anatomical.nii", Files.readAllBytes(anatomical));
    assertEquals(201, r.statusCode(), new String(r.body()));
    JsonNode study = TestServer.JSON.readTree(r.body());
    assertEquals("volume", study.get("kind").asText());
    api.json("POST", "/api/predictions", "{\"model\": \"" + api.modelId("knee-sagittal.onnx") + "\", \"study\": \""
        + study.get("id").asText() + "\"}", 200);
    ByteBuffer pixels = ByteBuffer.wrap(api.send("GET", "/api/studies/" + study.get("id").asText() + "/pixels.u8", null)
        .body());
    assertEquals(25, pixels.getInt(), "one slice per z of the 33x41x25 volume");
    Path fourD = Path.of(nifti.get(2).split("\t")[0]);
    HttpResponse<byte[]> timeSeries = api.send("POST", "/api/studies?name=4d.nii.gz", Files.readAllBytes(fourD));
    assertEquals(422, timeSeries.statusCode(), new String(timeSeries.body()));
    assertTrue(new String(timeSeries.body()).contains("holds 2 volumes"), new String(timeSeries.body()));
  }

  @Test
  void aModelUploadedWithItsCardIsRegisteredAndAFakeOneRefused() throws Exception {
    byte[] onnx = Files.readAllBytes(data.resolve("demo/chest-demo.onnx"));
    String card = "{\"labels\": [\"clear\", \"spot\", \"haze\"], \"input\": {\"channels\": \"grayscale\"}}";
    HttpResponse<byte[]> r = multipart("/api/models/upload", "my model.onnx", onnx, card.getBytes());
    assertEquals(201, r.statusCode(), new String(r.body()));
    JsonNode model = TestServer.JSON.readTree(r.body());
    assertEquals("my_model.onnx", model.get("name").asText());
    assertEquals("[\"clear\",\"spot\",\"haze\"]", model.get("labels").toString());
    HttpResponse<byte[]> fake = multipart("/api/models/upload", "x.onnx", "not a model".getBytes(), null);
    assertEquals(422, fake.statusCode(), new String(fake.body()));
    assertTrue(TestServer.JSON.readTree(fake.body()).get("detail").asText().contains("not an ONNX model"));
  }

  private static HttpResponse<byte[]> multipart(String path, String name, byte[] model, byte[] card) throws Exception {
    String boundary = "lumen-test-boundary";
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"" + name
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes());
    body.write(model);
    if (card != null) {
      body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"card\"; filename=\"card.json\""
          + "\r\nContent-Type: application/json\r\n\r\n").getBytes());
      body.write(card);
    }
    body.write(("\r\n--" + boundary + "--\r\n").getBytes());
    return api.send(HttpRequest.newBuilder(URI.create(api.url() + path))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
  }

  @Test
  void progressStreamsAsServerSentEventsUntilTheJobEnds() throws Exception {
    String request = "{\"model\": \"" + api.modelId("chest-demo.onnx") + "\", \"study\": \"" + api.studyId("study-2-opacity.png")
        + "\", \"method\": \"occlusion\", \"settings\": {\"window\": 8, \"stride\": 4}}";
    String job = api.json("POST", "/api/explanations", request, 202).get("job").get("id").asText();
    HttpResponse<String> events = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url() + "/api/jobs/" + job
        + "/events")).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(events.body().contains("event: job"), events.body());
    String last = events.body().lines().filter(l -> l.startsWith("data:")).reduce((a, c) -> c).orElseThrow();
    assertEquals("done", TestServer.JSON.readTree(last.substring(5)).get("state").asText(), last);
  }

  @Test
  void theOpenApiDocumentDescribesEveryEndpointAndTheDocsPageLoadsSwaggerUi() throws Exception {
    JsonNode doc = api.json("GET", "/api/openapi.json", null, 200);
    assertEquals("3.0.3", doc.get("openapi").asText());
    List<String> paths = new java.util.ArrayList<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);
    for (String route : List.of("/api/health", "/api/methods", "/api/models", "/api/models/upload", "/api/models/{id}",
        "/api/studies",
        "/api/studies/{id}", "/api/predictions", "/api/explanations", "/api/explanations/{key}",
        "/api/explanations/{key}/{file}", "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/events", "/api/openapi.json",
        "/api/docs", "/api/studies/{id}/annotations", "/api/studies/{id}/masks/{label}", "/api/annotations/{id}",
        "/api/annotations/{id}/versions", "/api/exports/annotations.zip", "/api/datasets", "/api/datasets/{id}",
        "/api/datasets/{id}/cases", "/api/datasets/{id}/cases/{case}", "/api/datasets/{id}/cases/{case}/masks/{label}",
        "/api/evaluations", "/api/evaluations/{id}", "/api/studies/{id}/pixels.u8", "/api/studies/{id}/agreement",
        "/api/studies/{id}/evidence")) {
      assertTrue(paths.contains(route), "described: " + route);
    }
    String page = new String(api.send("GET", "/api/docs", null).body());
    java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"([^\"]+swagger-ui-bundle.js)\"").matcher(page);
    assertTrue(script.find(), page);
    HttpResponse<byte[]> bundle = api.send("GET", script.group(1), null);
    assertEquals(200, bundle.statusCode(), script.group(1));
    assertTrue(bundle.body().length > 100_000, "the Swagger UI bundle is served from its WebJar");
  }

  @Test
  void mistakesAreJsonWithTheirStatusAndNoTrace() throws Exception {
    String model = api.modelId("chest-demo.onnx");
    String study = api.studyId("study-1-nodule.png");
    String[][] cases = {
        {"POST", "/api/explanations", "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"gradcan\"}",
            "400", "unknown method 'gradcan'"},
        {"POST", "/api/explanations", "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"cam\", "
            + "\"labels\": [\"fracture\"]}", "400", "unknown label 'fracture'"},
        {"POST", "/api/explanations", "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": "
            + "\"occlusion\", \"settings\": {\"window\": \"big\"}}", "400", "setting 'window' has the wrong type"},
        {"POST", "/api/explanations", "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": "
            + "\"occlusion\", \"settings\": {\"windw\": 8}}", "400", "unknown setting 'windw'"},
        {"POST", "/api/explanations", "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"cam\", "
            + "\"stdy\": 1}", "400", "unknown field 'stdy'"},
        {"POST", "/api/explanations", "{\"model\": \"" + model + "\"}", "400", "needs 'model', 'study' and 'method'"},
        {"POST", "/api/explanations", "{\"model\": ", "400", "not valid JSON"},
        {"POST", "/api/predictions", "{\"model\": \"nope\", \"study\": \"" + study + "\"}", "404", "no model 'nope'"},
        {"GET", "/api/jobs/nope", null, "404", "no job 'nope'"},
        {"GET", "/api/nothing", null, "404", "no such endpoint"},
        {"POST", "/api/models", "{\"path\": \"/etc/passwd\"}", "403", "outside the folders"},
        {"POST", "/api/models", "{\"path\": \"" + data + "/../../etc/passwd\"}", "403", "outside the folders"},
        {"POST", "/api/models", "{\"path\": \"" + data + "/demo/studies/study-1-nodule.png\"}", "422", "not an ONNX model"},
        {"POST", "/api/studies?name=notes.png", "not pixels", "422", "neither a PNG, JPEG or DICOM image nor"},
        {"POST", "/api/studies?name=../../x", "x", "400", "'name' may hold"},
    };
    for (String[] c : cases) {
      HttpResponse<byte[]> r = api.send(c[0], c[1], c[2] == null ? null : c[2].getBytes());
      String body = new String(r.body());
      assertEquals(Integer.parseInt(c[3]), r.statusCode(), c[1] + " " + c[2] + " -> " + body);
      JsonNode error = TestServer.JSON.readTree(r.body());
      assertTrue(error.get("detail").asText().contains(c[4]), body);
      assertFalse(body.contains("\\tat ") || body.contains("Exception"), "no trace: " + body);
    }
    Path link = data.resolve("escape.onnx");
    Files.createSymbolicLink(link, Path.of("/etc/hostname"));
    assertEquals(403, api.send("POST", "/api/models", ("{\"path\": \"" + link + "\"}").getBytes()).statusCode(),
        "a link leading out is refused");
    byte[] huge = new byte[(1 << 20) + 10];
    assertEquals(413, api.send("POST", "/api/studies?name=big.png", huge).statusCode());
  }
}
