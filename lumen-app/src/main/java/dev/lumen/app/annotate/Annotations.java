package dev.lumen.app.annotate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.service.ConflictException;
import dev.lumen.app.service.LumenService;
import dev.lumen.app.service.NotFoundException;
import dev.lumen.app.store.AnnotationRow;
import dev.lumen.app.store.Store;
import dev.lumen.core.io.Npy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Clinicians' annotations of studies, kept in every version: creating one, editing it (against
 * the version the editor saw, else {@link ConflictException}), deleting it, listing a study's
 * current ones and an annotation's history, and the masks they make per label.
 */
public final class Annotations {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Labels become file names on export, so they keep to a portable alphabet. */
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}");
  private static final int MAX_NOTE = 10_000;

  private final LumenService service;

  /** Annotations of the studies {@code service} knows. */
  public Annotations(LumenService service) {
    this.service = service;
  }

  private Store store() {
    return service.store();
  }

  /** A new annotation of study {@code studyId}, version 1. */
  public Annotation create(String studyId, AnnotationRequest request) {
    if (request.version() != null) {
      throw new IllegalArgumentException("'version' names the version an edit changes; a new annotation has none");
    }
    AnnotationRow row = checked(UUID.randomUUID().toString(), 1, studyId, request);
    store().addAnnotation(row);
    return annotation(row);
  }

  /** The next version of annotation {@code id}, made from version {@code request.version()}. */
  public Annotation edit(String id, AnnotationRequest request) {
    if (request.version() == null) {
      throw new IllegalArgumentException("an edit names the 'version' it changes");
    }
    AnnotationRow latest = current(id, request.version());
    AnnotationRow row = checked(id, latest.version() + 1, latest.studyId(), request);
    return add(row);
  }

  /** Deletes annotation {@code id} as of {@code version}: a last version marked deleted. */
  public Annotation delete(String id, int version, String author) {
    AnnotationRow latest = current(id, version);
    AnnotationRow row = new AnnotationRow(id, latest.version() + 1, latest.studyId(), latest.slice(), latest.label(),
        latest.shape(), latest.geometry(), latest.note(), author(author), System.currentTimeMillis(), true);
    return add(row);
  }

  /** The latest version of annotation {@code id} (which may say it is deleted). */
  public Annotation latest(String id) {
    List<AnnotationRow> versions = store().annotationVersions(id);
    if (versions.isEmpty()) {
      throw new NotFoundException("annotation", id);
    }
    return annotation(versions.get(versions.size() - 1));
  }

  /** Every version of annotation {@code id}, oldest first. */
  public List<Annotation> versions(String id) {
    List<Annotation> out = store().annotationVersions(id).stream().map(Annotations::annotation).toList();
    if (out.isEmpty()) {
      throw new NotFoundException("annotation", id);
    }
    return out;
  }

  /** The current (latest, not deleted) annotations of study {@code studyId}, oldest first. */
  public List<Annotation> of(String studyId) {
    service.study(studyId);
    return store().latestAnnotations(studyId).stream().filter(r -> !r.deleted()).map(Annotations::annotation).toList();
  }

  /**
   * The union of study {@code studyId}'s current regions labelled {@code label}, per slice
   * ({@code [slice][y * width + x]}), or null when it has none.
   */
  public boolean[][] mask(String studyId, String label) {
    int[] shape = service.studyShape(studyId);
    boolean[][] mask = null;
    for (Annotation a : of(studyId)) {
      if (a.label().equals(label)) {
        mask = mask == null ? new boolean[shape[0]][] : mask;
        boolean[] region = a.region().raster(shape[2], shape[1]);
        boolean[] slice = mask[a.slice()];
        if (slice == null) {
          mask[a.slice()] = region;
        } else {
          for (int i = 0; i < region.length; i++) {
            slice[i] |= region[i];
          }
        }
      }
    }
    if (mask != null) {
      for (int s = 0; s < mask.length; s++) {
        mask[s] = mask[s] == null ? new boolean[shape[1] * shape[2]] : mask[s];
      }
    }
    return mask;
  }

  /**
   * {@link #mask} as the bytes of a {@code uint8 [slices, height, width]} {@code .npy} array, 1
   * inside, or null when the study has no region of {@code label}.
   */
  public byte[] maskNpy(String studyId, String label) {
    boolean[][] mask = mask(studyId, label);
    if (mask == null) {
      return null;
    }
    int[] shape = service.studyShape(studyId);
    byte[] body = new byte[shape[0] * shape[1] * shape[2]];
    int i = 0;
    for (boolean[] slice : mask) {
      for (boolean inside : slice) {
        body[i++] = inside ? (byte) 1 : 0;
      }
    }
    return Npy.encode("|u1", new long[] {shape[0], shape[1], shape[2]}, body);
  }

  /** The labels of study {@code studyId}'s current annotations, in order of first use. */
  public List<String> labels(String studyId) {
    return of(studyId).stream().map(Annotation::label).distinct().toList();
  }

  private Annotation add(AnnotationRow row) {
    if (!store().addAnnotation(row)) {
      throw new ConflictException("annotation " + row.id() + " changed while this edit was made: version "
          + row.version() + " exists now; reload it and make the change again");
    }
    return annotation(row);
  }

  /** The latest version of {@code id}, which must be {@code version}. */
  private AnnotationRow current(String id, int version) {
    List<AnnotationRow> versions = store().annotationVersions(id);
    if (versions.isEmpty()) {
      throw new NotFoundException("annotation", id);
    }
    AnnotationRow latest = versions.get(versions.size() - 1);
    if (latest.deleted()) {
      throw new ConflictException("annotation " + id + " was deleted in version " + latest.version());
    }
    if (latest.version() != version) {
      throw new ConflictException("annotation " + id + " is at version " + latest.version() + ", not " + version
          + ": reload it and make the change again");
    }
    return latest;
  }

  /** The row {@code request} makes, checked against the study's size. */
  private AnnotationRow checked(String id, int version, String studyId, AnnotationRequest request) {
    int[] shape = service.studyShape(studyId);
    if (request.slice() == null || request.slice() < 0 || request.slice() >= shape[0]) {
      throw new IllegalArgumentException("'slice' must be in [0, " + (shape[0] - 1) + "] for this study, got "
          + request.slice());
    }
    if (request.label() == null || !LABEL.matcher(request.label()).matches()) {
      throw new IllegalArgumentException("'label' is 1 to 100 letters, digits, spaces, '.', '_' or '-', starting "
          + "with a letter or digit, got " + request.label());
    }
    String note = request.note() == null ? "" : request.note();
    if (note.length() > MAX_NOTE) {
      throw new IllegalArgumentException("'note' is longer than " + MAX_NOTE + " characters");
    }
    Region region = request.region();
    region.raster(shape[2], shape[1]);
    return new AnnotationRow(id, version, studyId, request.slice(), request.label(), region.shape(), geometry(region),
        note, author(request.author()), System.currentTimeMillis(), false);
  }

  private static String author(String author) {
    if (author == null || author.isBlank() || author.length() > 200) {
      throw new IllegalArgumentException("give the 'author' (1 to 200 characters)");
    }
    return author.strip();
  }

  private static String geometry(Region region) {
    try {
      return JSON.writeValueAsString(region.geometry());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Annotation annotation(AnnotationRow row) {
    return new Annotation(row.id(), row.version(), row.studyId(), row.slice(), row.label(), region(row), row.note(),
        row.author(), row.createdAt(), row.deleted());
  }

  private static Region region(AnnotationRow row) {
    try {
      JsonNode g = JSON.readTree(row.geometry());
      return switch (row.shape()) {
        case "polygon" -> {
          List<double[]> points = new ArrayList<>();
          g.get("points").forEach(p -> points.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()}));
          yield new Region.Polygon(points);
        }
        case "box" -> {
          JsonNode b = g.get("box");
          yield new Region.Box(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
        }
        case "mask" -> new Region.Mask(JSON.treeToValue(g.get("runs"), int[].class));
        default -> throw new IllegalStateException("stored annotation " + row.id() + " has unknown shape "
            + row.shape());
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
