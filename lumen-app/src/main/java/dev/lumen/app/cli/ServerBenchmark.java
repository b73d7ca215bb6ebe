package dev.lumen.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.server.LumenServer;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.service.Methods;
import dev.lumen.app.store.Blobs;
import dev.lumen.app.store.Store;
import dev.lumen.app.store.StudyRow;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.model.Model;
import dev.lumen.core.model.ModelCard;
import dev.lumen.core.runtime.EngineOptions;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code lumen bench --server}: a Grad-CAM request end to end through {@code lumen serve}'s API
 * (job, store, blobs, HTTP) against the same explanation in-process, in alternating rounds;
 * then stored explanations fetched by 50 concurrent clients: requests per second, p50 and p99.
 */
final class ServerBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServerBenchmark() {}

  static void run(PrintWriter out, Path modelFile, Image study, int rounds, int runs) throws Exception {
    Path data = Files.createTempDirectory("lumen-bench-server");
    try {
      Path copy = Files.copy(modelFile, data.resolve(modelFile.getFileName()));
      Path card = ModelCard.pathFor(modelFile);
      if (Files.isRegularFile(card)) {
        Files.copy(card, ModelCard.pathFor(copy));
      }
      Path png = data.resolve("study.png");
      javax.imageio.ImageIO.write(dev.lumen.core.render.Overlay.imageOnly(study), "png", png.toFile());
      try (Store store = Store.open(Store.sqliteUrl(data));
           LumenService service = new LumenService(store, new Blobs(data.resolve("blobs")), List.of(data),
          EngineOptions.defaults());
           JobQueue jobs = new JobQueue(store, LumenServer.jobKinds(service), 1, 1024);
           LumenServer server = LumenServer.start(service, jobs, new LumenServer.Settings("127.0.0.1", 0, null, 1 << 26))) {
        String model = service.registerModel(copy.toString()).id();
        StudyRow row = service.registerStudyFile(png.toString());
        HttpClient http = HttpClient.newHttpClient();
        Model m = service.model(model);
        Image image = Images.read(png);
        String label = m.predict(image).best().label();
        try (Explainer gradCam = Methods.create("gradcam", m, Methods.Settings.defaults(), null)) {
          gradCam.explain(List.of(image), Targets.labels(List.of(label)));
          double[] inProcess = new double[rounds];
          double[] endToEnd = new double[rounds];
          int[] seed = {0};
          endToEnd(http, server.url(), model, row.id(), label, seed, 2);
          for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
              gradCam.explain(List.of(image), Targets.labels(List.of(label)));
            }
            inProcess[r] = (System.nanoTime() - start) / 1e6 / runs;
            endToEnd[r] = endToEnd(http, server.url(), model, row.id(), label, seed, runs);
          }
          double a = BenchCommand.median(inProcess);
          double b = BenchCommand.median(endToEnd);
          out.printf(Locale.ROOT, "grad-cam of one %dx%d study: in-process %.2f ms, through the API %.2f ms "
              + "(job, store, blobs, HTTP): overhead %+.1f %%%n", study.width(), study.height(), a, b, 100 * (b - a) / a);
        }
        fetches(out, http, server.url(), model, row.id(), label);
      }
    } finally {
      dev.lumen.app.output.Folders.deleteTree(data);
    }
  }

  /** Milliseconds per explanation request that must be computed: a new key each time (an unused seed). */
  private static double endToEnd(HttpClient http, String url, String model, String study, String label, int[] seed,
      int runs) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      String body = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"gradcam\", \"labels\": [\""
          + label + "\"], \"settings\": {\"seed\": " + (++seed[0]) + "}}";
      get(http, url + "/api/explanations/" + computed(http, url, body) + "/map.u8");
    }
    return (System.nanoTime() - start) / 1e6 / runs;
  }

  /**
   * The key of the explanation {@code body} asks for, following its job (if it has one) over
   * Server-Sent Events as a client would, rather than polling, which would take cores from it.
   */
  private static String computed(HttpClient http, String url, String body) throws Exception {
    JsonNode answer = JSON.readTree(post(http, url + "/api/explanations", body).body());
    if (answer.has("explanations")) {
      return answer.get("explanations").get(0).get("key").asText();
    }
    String events = http.send(HttpRequest.newBuilder(URI.create(url + "/api/jobs/" + answer.get("job").get("id").asText()
        + "/events")).header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofString()).body();
    String last = events.lines().filter(l -> l.startsWith("data:")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("the job's event stream held no event"));
    JsonNode state = JSON.readTree(last.substring("data:".length()));
    if (!state.get("state").asText().equals("done")) {
      throw new IllegalStateException("the benchmark's job ended " + state.get("state").asText() + ": "
          + state.get("error").asText());
    }
    return state.get("result").get("explanations").get(0).asText();
  }

  /** 50 clients asking for a stored explanation and fetching its compact map: throughput and latency. */
  private static void fetches(PrintWriter out, HttpClient http, String url, String model, String study, String label)
      throws Exception {
    String body = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"gradcam\", \"labels\": [\""
        + label + "\"]}";
    String key = computed(http, url, body);
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(50);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < 50; c++) {
      done.add(clients.submit(() -> {
        for (int i = 0; i < 40; i++) {
          long t = System.nanoTime();
          post(http, url + "/api/explanations", body);
          get(http, url + "/api/explanations/" + key + "/map.u8");
          latencies.add((System.nanoTime() - t) / 1e6);
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    clients.shutdown();
    double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    out.printf(Locale.ROOT, "stored explanation fetched (request + compact map) by 50 clients: %.0f fetches/s, "
        + "p50 %.1f ms, p99 %.1f ms%n", sorted.length / seconds, sorted[sorted.length / 2],
        sorted[(int) (sorted.length * 0.99)]);
  }

  private static HttpResponse<byte[]> post(HttpClient http, String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
