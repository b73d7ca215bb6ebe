package dev.lumen.app.pacs;

import dev.lumen.core.LumenException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Studies named by DICOMweb URLs, retrieved into a local folder for a run:
 * {@code ROOT/studies/STUDY} (every series of a study), {@code ROOT/studies/STUDY/series/SERIES}
 * (one series), or {@code ROOT/studies?QUERY} (every study QIDO-RS finds, e.g.
 * {@code ?PatientID=123&ModalitiesInStudy=CT}).
 */
public final class DicomWebStudies {
  private DicomWebStudies() {}

  /** One retrieved study of the run: where it lies here, the URL it came from, and its server. */
  public record Fetched(Path local, String source, DicomWebClient server) {}

  /** Modalities of series that hold no images to explain. */
  private static final java.util.Set<String> NOT_IMAGES = java.util.Set.of("SEG", "SR", "PR", "KO", "REG", "RTSTRUCT",
      "RTPLAN", "DOC", "AU", "ECG");

  /**
   * The series of {@code study} to explain: not those without images (segmentations, reports,
   * presentation states, ...), nor those Lumen derived (series descriptions starting "Lumen ").
   */
  private static List<String> images(DicomWebClient server, String study) throws IOException {
    List<DicomWebClient.Series> all = server.series(study);
    if (all.isEmpty()) {
      throw new LumenException(server.root() + "/studies/" + study + ": QIDO-RS finds no series of this study");
    }
    return all.stream()
        .filter(s -> !NOT_IMAGES.contains(s.modality()) && !s.description().startsWith("Lumen "))
        .map(DicomWebClient.Series::uid).toList();
  }

  /** Whether a study argument is a DICOMweb URL rather than a file. */
  public static boolean isReference(String argument) {
    return argument.startsWith("http://") || argument.startsWith("https://");
  }

  /**
   * Retrieves what {@code url} names into {@code folder}: for a volume model each series as one
   * exam (its folder, or its one file when it has a single instance), else each instance as a
   * study.
   *
   * @throws LumenException for a URL that names no study, a query that finds none, or a server
   *     that fails (naming the request)
   */
  public static List<Fetched> fetch(String url, boolean volumes, Path folder) throws IOException {
    int at = url.indexOf("/studies");
    if (at < 0) {
      throw new LumenException(url + ": not a DICOMweb study URL (ROOT/studies/UID, ROOT/studies/UID/series/UID or "
          + "ROOT/studies?QUERY)");
    }
    DicomWebClient server = new DicomWebClient(URI.create(url.substring(0, at)));
    String rest = url.substring(at + "/studies".length());
    List<String[]> series = new ArrayList<>();
    if (rest.isEmpty() || rest.startsWith("?")) {
      List<String> studies = server.studies(rest.isEmpty() ? "" : rest.substring(1));
      if (studies.isEmpty()) {
        throw new LumenException(url + ": QIDO-RS finds no study");
      }
      for (String study : studies) {
        images(server, study).forEach(s -> series.add(new String[] {study, s}));
      }
    } else {
      String[] parts = rest.substring(1).split("/");
      if (parts.length == 1) {
        images(server, parts[0]).forEach(s -> series.add(new String[] {parts[0], s}));
      } else if (parts.length == 3 && parts[1].equals("series")) {
        series.add(new String[] {parts[0], parts[2]});
      } else {
        throw new LumenException(url + ": not a DICOMweb study or series URL");
      }
    }
    if (series.isEmpty()) {
      throw new LumenException(url + ": the study has no series of images");
    }
    List<Fetched> out = new ArrayList<>();
    for (String[] s : series) {
      String source = server.root() + "/studies/" + s[0] + "/series/" + s[1];
      List<Path> files = server.retrieve(s[0], s[1], folder.resolve(s[0]).resolve(s[1]));
      if (volumes) {
        out.add(new Fetched(files.size() == 1 ? files.get(0) : folder.resolve(s[0]).resolve(s[1]), source, server));
      } else {
        for (Path file : files) {
          String instance = file.getFileName().toString().replaceAll("\\.dcm$", "");
          out.add(new Fetched(file, source + "/instances/" + instance, server));
        }
      }
    }
    return out;
  }
}
