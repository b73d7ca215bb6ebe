package dev.lumen.app.pacs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.LumenException;
import dev.lumen.core.dicom.DicomDictionary;
import dev.lumen.core.dicom.DicomParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DICOMweb client of one server (PS3.18): QIDO-RS to find studies and their series, WADO-RS to
 * retrieve a series' instances (streamed into files), STOW-RS to store instances. Every failure is
 * one line naming the request and what the server said.
 */
public final class DicomWebClient {
  private static final String DICOM = "application/dicom";
  private static final String DICOM_JSON = "application/dicom+json";
  private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

  private final URI root;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /** A client of the DICOMweb service at {@code root} (e.g. {@code http://pacs:8042/dicom-web}). */
  public DicomWebClient(URI root) {
    this.root = URI.create(root.toString().replaceAll("/+$", ""));
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
  }

  /** The service's root. */
  public URI root() {
    return root;
  }

  /** The Study Instance UIDs QIDO-RS finds for {@code query} (e.g. {@code PatientID=123}; empty: every study). */
  public List<String> studies(String query) throws IOException {
    return uids(get("/studies" + (query.isEmpty() ? "" : "?" + query), DICOM_JSON), "0020000D");
  }

  /** A series as QIDO-RS describes it. */
  public record Series(String uid, String modality, String description) {}

  /** The series of study {@code study}. */
  public List<Series> series(String study) throws IOException {
    List<Series> out = new ArrayList<>();
    for (JsonNode entry : get("/studies/" + study + "/series", DICOM_JSON)) {
      JsonNode uid = entry.path("0020000E").path("Value").path(0);
      if (uid.isTextual()) {
        out.add(new Series(uid.asText(), entry.path("00080060").path("Value").path(0).asText(""),
            entry.path("0008103E").path("Value").path(0).asText("")));
      }
    }
    return out;
  }

  /**
   * Retrieves the instances of a series into {@code folder}, each as {@code SOP_INSTANCE_UID.dcm};
   * returns the files. A part that is not a DICOM file fails the retrieval.
   */
  public List<Path> retrieve(String study, String series, Path folder) throws IOException {
    String path = "/studies/" + study + "/series/" + series;
    HttpResponse<InputStream> response = send(HttpRequest.newBuilder(uri(path))
        .header("Accept", "multipart/related; type=\"" + DICOM + "\"").GET(), path);
    String type = response.headers().firstValue("Content-Type").orElse("");
    Matcher boundary = BOUNDARY.matcher(type);
    if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/related") || !boundary.find()) {
      response.body().close();
      throw new LumenException(uri(path) + ": answered '" + type + "', not multipart/related DICOM instances");
    }
    Files.createDirectories(folder);
    List<Path> parts;
    try (InputStream body = response.body()) {
      parts = MultipartReader.split(body, boundary.group(1), DICOM, n -> folder.resolve(".part-" + n));
    } catch (IOException e) {
      throw new LumenException(uri(path) + ": sent a broken multipart body: " + e.getMessage());
    }
    List<Path> files = new ArrayList<>();
    for (Path part : parts) {
      String uid = DicomParser.read(part).text(DicomDictionary.SOP_INSTANCE_UID, "").replaceAll("[^0-9.]", "");
      Path file = folder.resolve((uid.isEmpty() ? part.getFileName().toString().substring(1) : uid) + ".dcm");
      files.add(Files.move(part, file, StandardCopyOption.REPLACE_EXISTING));
    }
    return files;
  }

  /**
   * Stores {@code files} with one STOW-RS request; returns how many instances the server
   * accepted.
   *
   * @throws LumenException when the server refuses the request or any instance, naming the reason it gives
   */
  public int store(List<Path> files) throws IOException {
    String boundary = "lumen-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Path file : files) {
      body.writeBytes(("--" + boundary + "\r\nContent-Type: " + DICOM + "\r\n\r\n").getBytes(
          java.nio.charset.StandardCharsets.US_ASCII));
      body.writeBytes(Files.readAllBytes(file));
      body.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    HttpResponse<InputStream> response = send(HttpRequest.newBuilder(uri("/studies"))
        .header("Content-Type", "multipart/related; type=\"" + DICOM + "\"; boundary=" + boundary)
        .header("Accept", DICOM_JSON)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), "/studies");
    JsonNode answer;
    try (InputStream in = response.body()) {
      answer = json.readTree(in);
    }
    JsonNode failed = answer == null ? null : answer.path("00081198").path("Value");
    if (failed != null && failed.size() > 0) {
      JsonNode reason = failed.get(0).path("00081197").path("Value").path(0);
      throw new LumenException(uri("/studies") + ": refused " + failed.size() + " of " + files.size() + " instances"
          + (reason.isMissingNode() ? "" : " (failure reason " + reason.asText() + ")"));
    }
    return answer == null ? 0 : answer.path("00081199").path("Value").size();
  }

  private JsonNode get(String path, String accept) throws IOException {
    HttpResponse<InputStream> response = send(HttpRequest.newBuilder(uri(path)).header("Accept", accept).GET(), path);
    try (InputStream in = response.body()) {
      byte[] bytes = in.readAllBytes();
      return bytes.length == 0 ? json.createArrayNode() : json.readTree(bytes);   // 204: nothing found
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new LumenException(uri(path) + ": answered with something other than DICOM JSON");
    }
  }

  /** Sends a request; a status other than 200 or 204, or no connection, is an error naming the request. */
  private HttpResponse<InputStream> send(HttpRequest.Builder request, String path) throws IOException {
    HttpResponse<InputStream> response;
    HttpRequest built = request.timeout(Duration.ofMinutes(10)).build();
    try {
      try {
        response = http.send(built, HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException closed) {
        if (closed instanceof ConnectException) {
          throw closed;
        }
        // a kept-alive connection the server has just closed (Orthanc closes idle ones after a second): once more
        response = http.send(built, HttpResponse.BodyHandlers.ofInputStream());
      }
    } catch (ConnectException e) {
      throw new LumenException(uri(path) + ": cannot be reached (connection refused)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() != 200 && response.statusCode() != 204) {
      String said;
      try (InputStream in = response.body()) {
        said = new String(in.readNBytes(200), java.nio.charset.StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
      }
      throw new LumenException(uri(path) + ": answered HTTP " + response.statusCode() + (said.isEmpty() ? "" : ": " + said));
    }
    return response;
  }

  private List<String> uids(JsonNode answer, String tag) {
    List<String> out = new ArrayList<>();
    for (JsonNode entry : answer) {
      JsonNode value = entry.path(tag).path("Value").path(0);
      if (value.isTextual()) {
        out.add(value.asText());
      }
    }
    return out;
  }

  private URI uri(String path) {
    return URI.create(root + path);
  }
}
