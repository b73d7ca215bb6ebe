package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.jobs.JobQueue;
import dev.lumen.app.server.LumenServer;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.store.Blobs;
import dev.lumen.app.store.Store;
import dev.lumen.core.runtime.EngineOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code lumen serve} in the test's process: a real SQLite store in {@code data}, the demo
 * registered, the API on an ephemeral loopback port, and an HTTP client for it.
 */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final Path data;
  final Store store;
  final LumenService service;
  final JobQueue jobs;
  final LumenServer server;

  TestServer(Path data) throws IOException {
    this.data = data;
    store = Store.open(Store.sqliteUrl(data));
    service = new LumenService(store, new Blobs(data.resolve("blobs")), List.of(data), EngineOptions.defaults());
    jobs = new JobQueue(store, LumenServer.jobKinds(service), 1, 8);
    DemoFiles.register(service, data.resolve("demo"));
    server = LumenServer.start(service, jobs, new LumenServer.Settings("127.0.0.1", 0, null, 1 << 20));
  }

  String url() {
    return server.url();
  }

  HttpResponse<byte[]> send(String method, String path, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The JSON answer to {@code method path body}, which must have {@code status}. */
  JsonNode json(String method, String path, String body, int status) throws Exception {
    HttpResponse<byte[]> r = send(method, path, body == null ? null : body.getBytes());
    assertEquals(status, r.statusCode(), method + " " + path + " -> " + new String(r.body()));
    return JSON.readTree(r.body());
  }

  String modelId(String name) throws Exception {
    for (JsonNode m : json("GET", "/api/models", null, 200)) {
      if (m.get("name").asText().equals(name)) {
        return m.get("id").asText();
      }
    }
    throw new AssertionError("no model " + name);
  }

  String studyId(String name) throws Exception {
    for (JsonNode s : json("GET", "/api/studies", null, 200)) {
      if (s.get("name").asText().equals(name)) {
        return s.get("id").asText();
      }
    }
    throw new AssertionError("no study " + name);
  }

  /** The job once it has ended. */
  JsonNode waitFor(String job) throws Exception {
    for (int i = 0; i < 1200; i++) {
      JsonNode j = json("GET", "/api/jobs/" + job, null, 200);
      if (!j.get("state").asText().equals("queued") && !j.get("state").asText().equals("running")) {
        return j;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + job + " did not end");
  }

  @Override
  public void close() {
    server.close();
    jobs.close();
    service.close();
    store.close();
  }
}
