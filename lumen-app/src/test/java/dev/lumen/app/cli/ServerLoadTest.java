package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.server.LumenServer;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.store.Blobs;
import dev.lumen.app.store.Store;
import dev.lumen.core.runtime.EngineOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 concurrent clients on loopback, a bounded number of requests each, mixing predictions,
 * fetches of a stored explanation and new explanation jobs against a small queue: every answer
 * is correct, the only refusals are the deliberate 503s of a full queue, and the heap stays bounded.
 */
class ServerLoadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void fiftyClientsGetCorrectAnswersAndOnlyDeliberateRefusals(@TempDir Path data) throws Exception {
    try (Store store = Store.open(Store.sqliteUrl(data));
         LumenService service = new LumenService(store, new Blobs(data.resolve("blobs")), List.of(data),
        EngineOptions.defaults());
         JobQueue jobs = new JobQueue(store, LumenServer.jobKinds(service), 1, 4)) {
      DemoFiles.register(service, data.resolve("demo"));
      try (LumenServer server = LumenServer.start(service, jobs, new LumenServer.Settings("127.0.0.1", 0, null, 1 << 20))) {
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
        String base = server.url();
        JsonNode models = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/models")).build(),
            HttpResponse.BodyHandlers.ofByteArray()).body());
        String model = models.get(0).get("id").asText();
        String study = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/studies")).build(),
            HttpResponse.BodyHandlers.ofByteArray()).body()).get(0).get("id").asText();
        String predict = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\"}";
        byte[] expectedPrediction = post(http, base + "/api/predictions", predict).body();
        String cam = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"cam\"}";
        assertEquals(202, post(http, base + "/api/explanations", cam).statusCode());
        HttpResponse<byte[]> stored;
        do {
          Thread.sleep(50);
          stored = post(http, base + "/api/explanations", cam);
        } while (stored.statusCode() == 202);
        String compactUrl = base + JSON.readTree(stored.body()).get("explanations").get(0).get("files").get("compact")
            .asText();
        byte[] expectedMap = http.send(HttpRequest.newBuilder(URI.create(compactUrl)).build(),
            HttpResponse.BodyHandlers.ofByteArray()).body();

        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(50);
        List<Future<?>> done = new ArrayList<>();
        long heapBefore = usedHeap();
        for (int c = 0; c < 50; c++) {
          int client = c;
          done.add(clients.submit(() -> {
            for (int i = 0; i < 20; i++) {
              int kind = (client + i) % 3;
              HttpResponse<byte[]> r = switch (kind) {
                case 0 -> post(http, base + "/api/predictions", predict);
                case 1 -> get(http, compactUrl);
                default -> post(http, base + "/api/explanations", "{\"model\": \"" + model + "\", \"study\": \"" + study
                    + "\", \"method\": \"rise\", \"settings\": {\"masks\": 64, \"seed\": " + (client * 100 + i) + "}}");
              };
              statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
              boolean right = switch (kind) {
                case 0 -> r.statusCode() == 200 && java.util.Arrays.equals(expectedPrediction, r.body());
                case 1 -> r.statusCode() == 200 && java.util.Arrays.equals(expectedMap, r.body());
                default -> r.statusCode() == 202 || r.statusCode() == 503
                    && r.headers().firstValue("Retry-After").isPresent();
              };
              if (!right) {
                wrong.add(kind + " -> " + r.statusCode() + " " + new String(r.body()));
              }
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
        clients.shutdown();
        long heapAfter = usedHeap();
        assertTrue(wrong.isEmpty(), "wrong answers: " + wrong.subList(0, Math.min(5, wrong.size())));
        assertEquals(1000, statuses.values().stream().mapToInt(AtomicInteger::get).sum());
        assertTrue(statuses.containsKey(503), "the small queue filled: " + statuses);
        System.out.printf("load: 1000 requests from 50 clients, statuses %s; heap used %d MiB before, %d MiB after%n",
            statuses, heapBefore >> 20, heapAfter >> 20);
        assertTrue(heapAfter - heapBefore < 512L << 20, "heap bounded: grew " + ((heapAfter - heapBefore) >> 20) + " MiB");
        jobs.close();
      }
    }
  }

  private static long usedHeap() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static HttpResponse<byte[]> post(HttpClient http, String url, String body) {
    return send(http, HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static HttpResponse<byte[]> get(HttpClient http, String url) {
    return send(http, HttpRequest.newBuilder(URI.create(url)).build());
  }

  private static HttpResponse<byte[]> send(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
