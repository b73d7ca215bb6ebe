package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.store.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lumen serve} as a process of its own, killed with SIGKILL in the middle of a job and
 * started again on the same data folder: finished results are intact, the cut job is marked
 * interrupted, asking again computes it, and no blob is half-written.
 */
class ServeRestartTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A running server process and its address. */
  private record Served(Process process, String url) {}

  private static Served serve(Path data) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), Lumen.class.getName(), "serve", "--port", "0", "--data",
        data.toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertTrue(line != null && line.startsWith("Lumen at http://127.0.0.1:"), "startup line: " + line);
    return new Served(p, line.substring("Lumen at ".length()));
  }

  private static JsonNode call(Served s, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return JSON.readTree(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()).body());
  }

  private static JsonNode waitWhile(Served s, String job, String state) throws Exception {
    for (int i = 0; i < 1200; i++) {
      JsonNode j = call(s, "GET", "/api/jobs/" + job, null);
      if (!j.get("state").asText().equals(state)) {
        return j;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + job + " stayed " + state);
  }

  @Test
  void aKilledServerKeepsFinishedResultsMarksTheCutJobAndRunsItAgain(@TempDir Path data) throws Exception {
    Served first = serve(data);
    String quick;
    String slow;
    String quickKey;
    try {
      String model = call(first, "GET", "/api/models", null).get(0).get("id").asText();
      String study = call(first, "GET", "/api/studies", null).get(0).get("id").asText();
      quick = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"gradcam\"}";
      String quickJob = call(first, "POST", "/api/explanations", quick).get("job").get("id").asText();
      JsonNode done = waitWhile(first, waitWhile(first, quickJob, "queued").get("id").asText(), "running");
      assertEquals("done", done.get("state").asText(), done.toString());
      quickKey = done.get("result").get("explanations").get(0).asText();
      slow = "{\"model\": \"" + model + "\", \"study\": \"" + study + "\", \"method\": \"occlusion\", \"settings\": "
          + "{\"window\": 8, \"stride\": 2}}";
      slow = call(first, "POST", "/api/explanations", slow).get("job").get("id").asText() + "|" + slow;
      JsonNode running = waitWhile(first, slow.split("\\|")[0], "queued");
      assertEquals("running", running.get("state").asText(), running.toString());
    } finally {
      first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);   // SIGKILL mid-job
    }

    // what a kill between writing a blob and committing its row leaves: a blob no row names, and a cut write
    Path orphan = Files.createDirectories(data.resolve("blobs/00")).resolve("00" + "ab".repeat(31));
    Files.write(orphan, new byte[] {1, 2, 3});
    Path cutWrite = Files.write(data.resolve("blobs/00/.00cd.partial"), new byte[] {4});
    Served second = serve(data);
    assertTrue(!Files.exists(orphan) && !Files.exists(cutWrite), "the restart sweeps what no row names");
    try {
      String slowJob = slow.split("\\|")[0];
      String slowRequest = slow.substring(slowJob.length() + 1);
      JsonNode cut = call(second, "GET", "/api/jobs/" + slowJob, null);
      assertEquals("interrupted", cut.get("state").asText(), cut.toString());
      JsonNode kept = call(second, "POST", "/api/explanations", quick);
      assertEquals(quickKey, kept.get("explanations").get(0).get("key").asText(), "the finished result is intact");
      String rerun = call(second, "POST", "/api/explanations", slowRequest).get("job").get("id").asText();
      JsonNode finished = waitWhile(second, waitWhile(second, rerun, "queued").get("id").asText(), "running");
      assertEquals("done", finished.get("state").asText(), finished.toString());
    } finally {
      second.process().destroy();
      second.process().waitFor(30, TimeUnit.SECONDS);
    }
    try (Stream<Path> files = Files.walk(data.resolve("blobs"));
         Store store = Store.open(Store.sqliteUrl(data))) {
      java.util.Set<String> named = new java.util.HashSet<>(store.blobsInUse());
      List<Path> left = files.filter(Files::isRegularFile).toList();
      assertTrue(left.stream().noneMatch(p -> p.getFileName().toString().contains(".partial")), "no half-written blob");
      assertTrue(left.stream().allMatch(p -> named.contains(p.getFileName().toString())), "no orphaned blob: " + left);
    }
  }
}
