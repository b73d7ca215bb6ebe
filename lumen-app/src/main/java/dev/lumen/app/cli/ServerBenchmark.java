package dev.lumen.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.server.LumenServer;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.service.Methods;
import dev.lumen.app.store.Blobs;
import dev.lumen.app.store.Store;
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
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code lumen bench --server}: a Grad-CAM request end to end through {@code lumen serve}'s API
 * (job, store, blobs, HTTP) against the same explanation in-process, in alternating rounds;
 * then stored explanations fetched by 50 concurrent clients: requests per second, p50 and p99.
 *
 * <p>Each request explains a study the server has not explained but has seen, as a viewer's
 * user does (the study uploaded and its prediction shown, then explained): copies of the study
 * that differ in one pixel, registered and predicted before the timing. The in-process side
 * keeps its explainer and decoded study, as a script would.
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
      try (Store store = Store.open(Store.sqliteUrl(data));
           LumenService service = new LumenService(store, new Blobs(data.resolve("blobs")), List.of(data),
          EngineOptions.defaults());
           JobQueue jobs = new JobQueue(store, LumenServer.jobKinds(service), 1, 1024);
           LumenServer server = LumenServer.start(service, jobs, new LumenServer.Settings("127.0.0.1", 0, null, 1 << 26))) {
        String model = service.registerModel(copy.toString()).id();
        HttpClient http = HttpClient.newHttpClient();
        Model m = service.model(model);
        Path png = data.resolve("study.png");
        javax.imageio.ImageIO.write(dev.lumen.core.render.Overlay.imageOnly(study), "png", png.toFile());
        Image image = Images.read(png);
        String label = m.predict(image).best().label();
        // per round: the requests waited on, the requests followed over events; and the warm-up's
        int requests = 2 * rounds * runs + 5;
        Deque<String> studies = new ArrayDeque<>(seenStudies(http, server.url(), model, data, study, requests));
        try (Explainer gradCam = Methods.create("gradcam", m, Methods.Settings.defaults(), null)) {
          gradCam.explain(List.of(image), Targets.labels(List.of(label)));
          double[] inProcess = new double[rounds];
          double[] waited = new double[rounds];
          double[] followed = new double[rounds];
          endToEnd(http, server.url(), model, studies, label, 2, true);
          endToEnd(http, server.url(), model, studies, label, 2, false);
          for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
              gradCam.explain(List.of(image), Targets.labels(List.of(label)));
            }
            inProcess[r] = (System.nanoTime() - start) / 1e6 / runs;
            waited[r] = endToEnd(http, server.url(), model, studies, label, runs, true);
            followed[r] = endToEnd(http, server.url(), model, studies, label, runs, false);
          }
          double a = BenchCommand.median(inProcess);
          double b = BenchCommand.median(waited);
          double c = BenchCommand.median(followed);
          out.printf(Locale.ROOT, "grad-cam of one %dx%d study: in-process %.2f ms; through the API (job, store, blobs, "
              + "HTTP, then map.u8) %.2f ms waiting in the request (?wait): overhead %+.1f %%; %.2f ms following the "
              + "job's events: overhead %+.1f %%%n", study.width(), study.height(), a, b, 100 * (b - a) / a, c,
              100 * (c - a) / a);
        }
        fetches(out, http, server.url(), model, studies.pop(), label);
      }
    } finally {
      dev.lumen.app.output.Folders.deleteTree(data);
    }
  }

  /**
   * {@code count} copies of {@code study}, each with one pixel changed (so each is a new study),
   * uploaded and predicted through the API; their ids.
   */
  private static List<String> seenStudies(HttpClient http, String url, String model, Path data, Image study, int count)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      java.awt.image.BufferedImage picture = dev.lumen.core.render.Overlay.imageOnly(study);
      int x = i % picture.getWidth();
      int y = i / picture.getWidth();
      picture.setRGB(x, y, picture.getRGB(x, y) ^ 0x010101);
      Path file = data.resolve("study-" + i + ".png");
      javax.imageio.ImageIO.write(picture, "png", file.toFile());
      HttpResponse<byte[]> uploaded = http.send(HttpRequest.newBuilder(URI.create(url + "/api/studies?name=study-" + i))
          .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofByteArray());
      String id = JSON.readTree(uploaded.body()).get("id").asText();
      post(http, url + "/api/predictions", "{\"model\": \"" + model + "\", \"study\": \"" + id + "\"}");
      ids.add(id);
    }
    return ids;
  }

  /**
   * Milliseconds per explanation request that must be computed, each of a study taken from
   * {@code studies}: the request waits for its job ({@code ?wait}) when {@code waited}, else the
   * client follows the job over Server-Sent Events.
   */
  private static double endToEnd(HttpClient http, String url, String model, Deque<String> studies, String label,
      int runs, boolean waited) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      String body = "{\"model\": \"" + model + "\", \"study\": \"" + studies.pop() + "\", \"method\": \"gradcam\", "
          + "\"labels\": [\"" + label + "\"]}";
      get(http, url + "/api/explanations/" + computed(http, url + "/api/explanations" + (waited ? "?wait=60000" : ""),
          body) + "/map.u8");
    }
    return (System.nanoTime() - start) / 1e6 / runs;
  }

  /**
   * The key of the explanation {@code body} asks for at {@code endpoint}, following its job (if
   * it has one) over Server-Sent Events as a client would, rather than polling, which would take
   * cores from it.
   */
  private static String computed(HttpClient http, String endpoint, String body) throws Exception {
    JsonNode answer = JSON.readTree(post(http, endpoint, body).body());
    if (answer.has("explanations")) {
      return answer.get("explanations").get(0).get("key").asText();
    }
    String url = endpoint.substring(0, endpoint.indexOf("/api/"));
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
    String key = computed(http, url + "/api/explanations", body);
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
