package dev.lumen.app.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Orthanc PACS with its DICOMweb plugin (Debian's orthanc and orthanc-dicomweb, which the
 * test command installs) on a free localhost port, its configuration and storage in a temporary
 * folder; stopped by its own process. The tests talk to it through Orthanc's own REST API, so
 * what Lumen stored is checked by a client that is not Lumen's.
 */
final class Orthanc implements AutoCloseable {
  private static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");
  private static final Path DICOMWEB = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  Orthanc(Path folder) throws Exception {
    assertTrue(Files.isExecutable(ORTHANC) && Files.isRegularFile(DICOMWEB),
        "no Orthanc with DICOMweb: scripts/test.sh installs Debian's orthanc and orthanc-dicomweb");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path storage = Files.createDirectories(folder.resolve("storage"));
    Map<String, Object> config = Map.of("Name", "LumenTest", "StorageDirectory", storage.toString(),
        "IndexDirectory", storage.toString(), "HttpPort", port, "DicomServerEnabled", false,
        "RemoteAccessAllowed", false, "AuthenticationEnabled", false, "Plugins", List.of(DICOMWEB.toString()),
        "DicomWeb", Map.of("Enable", true, "Root", "/dicom-web/"));
    Path file = folder.resolve("orthanc.json");
    json.writeValue(file.toFile(), config);
    process = new ProcessBuilder(ORTHANC.toString(), file.toString()).redirectErrorStream(true)
        .redirectOutput(folder.resolve("orthanc.log").toFile()).start();
    for (int i = 0; i < 200; i++) {
      try {
        if (http.send(request("/system").build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    close();
    throw new AssertionError("Orthanc did not start: " + Files.readString(folder.resolve("orthanc.log")));
  }

  /** The DICOMweb root. */
  String dicomWeb() {
    return "http://127.0.0.1:" + port + "/dicom-web";
  }

  /** Stores {@code files} through Orthanc's REST API. */
  void upload(List<Path> files) throws Exception {
    for (Path f : files) {
      HttpResponse<String> r = send(request("/instances").POST(HttpRequest.BodyPublishers.ofFile(f)).build());
      assertTrue(r.statusCode() == 200, r.body());
    }
  }

  /** The DICOM files of every instance of the series of {@code modality}, fetched through Orthanc's REST API. */
  List<byte[]> instancesOf(String modality) throws Exception {
    String query = json.writeValueAsString(Map.of("Level", "Instance", "Query", Map.of("Modality", modality)));
    JsonNode ids = json.readTree(send(request("/tools/find").POST(HttpRequest.BodyPublishers.ofString(query))
        .build()).body());
    List<byte[]> out = new ArrayList<>();
    for (JsonNode id : ids) {
      HttpResponse<String> file = send(request("/instances/" + id.asText() + "/file").build());
      out.add(file.body().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  /** Sends a request, once more when Orthanc has just closed the kept-alive connection it came on. */
  private HttpResponse<String> send(HttpRequest request) throws Exception {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(java.nio.charset.StandardCharsets.ISO_8859_1));
    } catch (IOException closed) {
      return http.send(request, HttpResponse.BodyHandlers.ofString(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
