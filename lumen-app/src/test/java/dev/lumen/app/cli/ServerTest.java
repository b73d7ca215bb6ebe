package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.server.LumenServer;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.store.Blobs;
import dev.lumen.app.store.Store;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.explain.gradient.CamFormula;
import dev.lumen.core.explain.gradient.GradientCam;
import dev.lumen.core.image.Images;
import dev.lumen.core.io.Npy;
import dev.lumen.core.model.Model;
import dev.lumen.core.runtime.EngineOptions;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lumen serve}'s API over real HTTP on an ephemeral port, with a real SQLite store and the demo registered. */
class ServerTest {
  @TempDir
  static Path data;

  static LumenService service;
  static JobQueue jobs;
  static LumenServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void start() throws IOException {
    Store store = Store.open(Store.sqliteUrl(data));
    service = new LumenService(store, new Blobs(data.resolve("blobs")), List.of(data), EngineOptions.defaults());
    jobs = new JobQueue(store, LumenServer.jobKinds(service), 1, 8);
    DemoFiles.register(service, data.resolve("demo"));
    server = LumenServer.start(service, jobs, new LumenServer.Settings("127.0.0.1", 0, null, 1 << 20));
  }

  @AfterAll
  static void stop() {
    server.close();
    jobs.close();
    service.close();
  }

  static HttpResponse<byte[]> send(String method, String path, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static JsonNode json(String method, String path, String body, int status) throws Exception {
    HttpResponse<byte[]> r = send(method, path, body == null ? null : body.getBytes());
    assertEquals(status, r.statusCode(), method + " " + path + " -> " + new String(r.body()));
    return JSON.readTree(r.body());
  }

  static String modelId(String name) throws Exception {
    for (JsonNode m : json("GET", "/api/models", null, 200)) {
      if (m.get("name").asText().equals(name)) {
        return m.get("id").asText();
      }
    }
    throw new AssertionError("no model " + name);
  }

  static String studyId(String name) throws Exception {
    for (JsonNode s : json("GET", "/api/studies", null, 200)) {
      if (s.get("name").asText().equals(name)) {
        return s.get("id").asText();
      }
    }
    throw new AssertionError("no study " + name);
  }

  @Test
  void theDemoIsRegisteredAndPredictionsEqualTheJavaApis() throws Exception {
    assertEquals("ok", json("GET", "/api/health", null, 200).get("status").asText());
    String model = modelId("chest-demo.onnx");
    JsonNode card = json("GET", "/api/models/" + model, null, 200);
    assertEquals("[\"normal\",\"nodule\",\"opacity\"]", card.get("labels").toString());
    JsonNode p = json("POST", "/api/predictions", "{\"model\": \"" + model + "\", \"study\": \""
        + studyId("study-1-nodule.png") + "\"}", 200);
    try (Model m = Model.load(data.resolve("demo/chest-demo.onnx"))) {
      float expected = m.predict(Images.read(data.resolve("demo/studies/study-1-nodule.png"))).score(1).probability();
      assertEquals(expected, p.get("scores").get(1).get("probability").floatValue(), 0f);
    }
  }

  @Test
  void anExplanationRunsAsAJobThenComesFromTheStoreAndEqualsTheJavaApis() throws Exception {
    String model = modelId("chest-demo.onnx");
    String study = studyId("study-4-nodule.png");
    String request = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"gradcam\", "
        + "\"labels\": [\"nodule\"]}";
    JsonNode queued = json("POST", "/api/explanations", request, 202);
    String job = queued.get("job").get("id").asText();
    JsonNode done = waitFor(job);
    assertEquals("done", done.get("state").asText(), done.toString());
    JsonNode stored = json("POST", "/api/explanations", request, 200);
    JsonNode e = stored.get("explanations").get(0);
    assertEquals(done.get("result").get("explanations").get(0).asText(), e.get("key").asText());
    assertEquals("nodule", e.get("target").get("label").asText());
    Path mapFile = Files.write(data.resolve("map.npy"), send("GET", e.get("files").get("map").asText(), null).body());
    Tensor served = Npy.read(mapFile).tensor();
    try (Model m = Model.load(data.resolve("demo/chest-demo.onnx"))) {
      Tensor direct = GradientCam.of(m, CamFormula.GRADCAM)
          .explain(Images.read(data.resolve("demo/studies/study-4-nodule.png")), Targets.labels(List.of("nodule")))
          .get(0).heatmap();
      assertArrayEquals(direct.toArray(), served.toArray(), 1e-6f);
    }
    byte[] compact = send("GET", e.get("files").get("compact").asText(), null).body();
    ByteBuffer b = ByteBuffer.wrap(compact);
    assertEquals(served.dim(0), b.getInt());
    assertEquals(served.dim(1), b.getInt());
    assertEquals(served.dim(2), b.getInt());
    assertEquals(Math.round(served.get(100) * 255), Byte.toUnsignedInt(compact[12 + 100]));
    HttpResponse<byte[]> png = send("GET", e.get("files").get("overlay").asText(), null);
    assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void aModelUploadedWithItsCardIsRegisteredAndAFakeOneRefused() throws Exception {
    byte[] onnx = Files.readAllBytes(data.resolve("demo/chest-demo.onnx"));
    String card = "{\"labels\": [\"clear\", \"spot\", \"haze\"], \"input\": {\"channels\": \"grayscale\"}}";
    HttpResponse<byte[]> r = multipart("/api/models/upload", "my model.onnx", onnx, card.getBytes());
    assertEquals(201, r.statusCode(), new String(r.body()));
    JsonNode model = JSON.readTree(r.body());
    assertEquals("my_model.onnx", model.get("name").asText());
    assertEquals("[\"clear\",\"spot\",\"haze\"]", model.get("labels").toString());
    HttpResponse<byte[]> fake = multipart("/api/models/upload", "x.onnx", "not a model".getBytes(), null);
    assertEquals(422, fake.statusCode(), new String(fake.body()));
    assertTrue(JSON.readTree(fake.body()).get("detail").asText().contains("not an ONNX model"));
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
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void progressStreamsAsServerSentEventsUntilTheJobEnds() throws Exception {
    String request = "{\"model\": \"" + modelId("chest-demo.onnx") + "\", \"study\": \"" + studyId("study-2-opacity.png")
        + "\", \"method\": \"occlusion\", \"settings\": {\"window\": 8, \"stride\": 4}}";
    String job = json("POST", "/api/explanations", request, 202).get("job").get("id").asText();
    HttpResponse<String> events = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/jobs/" + job
        + "/events")).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(events.body().contains("event: job"), events.body());
    String last = events.body().lines().filter(l -> l.startsWith("data:")).reduce((a, c) -> c).orElseThrow();
    assertEquals("done", JSON.readTree(last.substring(5)).get("state").asText(), last);
  }

  @Test
  void theOpenApiDocumentDescribesEveryEndpointAndTheDocsPageLoadsSwaggerUi() throws Exception {
    JsonNode api = json("GET", "/api/openapi.json", null, 200);
    assertEquals("3.0.3", api.get("openapi").asText());
    List<String> paths = new java.util.ArrayList<>();
    api.get("paths").fieldNames().forEachRemaining(paths::add);
    for (String route : List.of("/api/health", "/api/methods", "/api/models", "/api/models/upload", "/api/models/{id}",
        "/api/studies",
        "/api/studies/{id}", "/api/predictions", "/api/explanations", "/api/explanations/{key}",
        "/api/explanations/{key}/{file}", "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/events", "/api/openapi.json",
        "/api/docs")) {
      assertTrue(paths.contains(route), "described: " + route);
    }
    String page = new String(send("GET", "/api/docs", null).body());
    java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"([^\"]+swagger-ui-bundle.js)\"").matcher(page);
    assertTrue(script.find(), page);
    HttpResponse<byte[]> bundle = send("GET", script.group(1), null);
    assertEquals(200, bundle.statusCode(), script.group(1));
    assertTrue(bundle.body().length > 100_000, "the Swagger UI bundle is served from its WebJar");
  }

  @Test
  void mistakesAreJsonWithTheirStatusAndNoTrace() throws Exception {
    String model = modelId("chest-demo.onnx");
    String study = studyId("study-1-nodule.png");
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
        {"POST", "/api/studies?name=notes.png", "not pixels", "422", "neither a PNG or JPEG image nor"},
        {"POST", "/api/studies?name=../../x", "x", "400", "'name' may hold"},
    };
    for (String[] c : cases) {
      HttpResponse<byte[]> r = send(c[0], c[1], c[2] == null ? null : c[2].getBytes());
      String body = new String(r.body());
      assertEquals(Integer.parseInt(c[3]), r.statusCode(), c[1] + " " + c[2] + " -> " + body);
      JsonNode error = JSON.readTree(r.body());
      assertTrue(error.get("detail").asText().contains(c[4]), body);
      assertFalse(body.contains("\\tat ") || body.contains("Exception"), "no trace: " + body);
    }
    Path link = data.resolve("escape.onnx");
    Files.createSymbolicLink(link, Path.of("/etc/hostname"));
    assertEquals(403, send("POST", "/api/models", ("{\"path\": \"" + link + "\"}").getBytes()).statusCode(),
        "a link leading out is refused");
    byte[] huge = new byte[(1 << 20) + 10];
    assertEquals(413, send("POST", "/api/studies?name=big.png", huge).statusCode());
  }

  private static JsonNode waitFor(String job) throws Exception {
    for (int i = 0; i < 600; i++) {
      JsonNode j = json("GET", "/api/jobs/" + job, null, 200);
      if (!j.get("state").asText().equals("queued") && !j.get("state").asText().equals("running")) {
        return j;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + job + " did not end");
  }
}
