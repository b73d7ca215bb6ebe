package dev.lumen.app.batch;

import dev.lumen.app.evaluate.FindingScope;
import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.app.output.ExplanationWriter;
import dev.lumen.app.service.ErrorMessages;
import dev.lumen.app.service.Methods;
import dev.lumen.app.service.Studies;
import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.Hashes;
import dev.lumen.core.io.Npy;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Explains studies of an archive with one model: reads and hashes each study, runs every method
 * on the studies of a chunk together, writes the maps under the run's folder and gives the rows
 * of the results table. What {@code lumen batch} runs on one machine and each Spark task runs on
 * its partition. A study that cannot be read or explained becomes failure rows, not an exception.
 */
public final class BatchExplainer implements AutoCloseable {
  private final Model model;
  private final BatchSettings settings;
  private final Path out;
  private final String keyText;
  private final Methods.Settings methodSettings;
  private final Map<String, Explainer> explainers = new LinkedHashMap<>();

  /**
   * A study as read: its content hash and its image (2D models) or volume, or why it could not be read.
   *
   * @param sha256 null when even its bytes could not be read
   */
  public record Loaded(BatchStudy study, String sha256, Image image, Volume volume, String error) {
    long pixels() {
      return image != null ? (long) image.width() * image.height()
          : (long) volume.depth() * volume.slices().get(0).width() * volume.slices().get(0).height();
    }
  }

  /** Explains with {@code model} as {@code settings} say, writing maps under {@code out}. */
  public BatchExplainer(Model model, BatchSettings settings, Path out) {
    if (model.input().volume()) {
      QualityMeasures.onExams(settings.quality());
    }
    this.model = model;
    this.settings = settings;
    this.out = out;
    this.keyText = settings.keyText();
    this.methodSettings = settings.methodSettings().resolve();
  }

  /** The key of {@code method}'s results for the study of content {@code studySha256}. */
  public String key(String studySha256, String method) {
    String text = String.join("\n", model.sha256(), studySha256, method, keyText);
    return Hashes.sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The keys of every method's results for {@code study}. */
  public List<String> keys(Loaded study) {
    return settings.methods().stream().map(m -> key(study, m)).toList();
  }

  /** The key of {@code method}'s results for {@code study}; one whose bytes could not be read is keyed by name. */
  private String key(Loaded study, String method) {
    return key(study.sha256() != null ? study.sha256() : "unreadable " + study.study().name(), method);
  }

  /**
   * Hashes {@code study} and reads it as the model takes it, unless every method's result is in
   * {@code done} already (then it holds no pixels).
   */
  public Loaded load(BatchStudy study, Set<String> done) {
    String sha;
    try {
      sha = StudyHash.of(study.file());
    } catch (IOException | RuntimeException e) {
      return new Loaded(study, null, null, null, ErrorMessages.of(e));
    }
    Loaded hashed = new Loaded(study, sha, null, null, null);
    if (done.containsAll(keys(hashed))) {
      return hashed;
    }
    try {
      if (model.input().volume()) {
        return new Loaded(study, sha, null, Studies.exam(model, study.file(), settings.window()).volume(), null);
      }
      return new Loaded(study, sha, Studies.images(model, List.of(study.file()), settings.window()).get(0), null,
          null);
    } catch (RuntimeException e) {
      return new Loaded(study, sha, null, null, ErrorMessages.of(e));
    }
  }

  /**
   * The rows of every method whose key is not in {@code done}, for {@code studies}; image
   * studies are explained together, a batch per method.
   */
  public List<ResultRow> explain(List<Loaded> studies, Set<String> done, Progress progress) {
    List<ResultRow> rows = new ArrayList<>();
    for (String method : settings.methods()) {
      List<Loaded> pending = new ArrayList<>();
      for (Loaded study : studies) {
        String key = key(study, method);
        if (done.contains(key)) {
          continue;
        }
        if (study.error() != null) {
          rows.add(failure(study, method, study.error()));
        } else {
          pending.add(study);
        }
      }
      if (!pending.isEmpty()) {
        rows.addAll(explain(method, pending, progress));
      }
    }
    return rows;
  }

  private List<ResultRow> explain(String method, List<Loaded> studies, Progress progress) {
    Explainer explainer = explainers.computeIfAbsent(method, m -> Methods.create(m, model, methodSettings, null));
    int targets = settings.selection().count(model.labels().size());
    List<ResultRow> rows = new ArrayList<>();
    List<Loaded> images = new ArrayList<>();
    for (Loaded study : studies) {
      try {
        ExplanationWriter.requireMemory(Map.of(study.study().file(), study.pixels()), targets);
      } catch (RuntimeException e) {
        rows.add(failure(study, method, ErrorMessages.of(e)));
        continue;
      }
      if (study.volume() != null) {
        rows.addAll(explainOne(explainer, method, study, progress));
      } else {
        images.add(study);
      }
    }
    if (images.isEmpty()) {
      return rows;
    }
    List<List<Explanation>> all;
    try {
      all = explainer.explain(images.stream().map(Loaded::image).toList(), settings.selection(), progress);
    } catch (RuntimeException e) {
      // one bad study must not fail its batch: explain each alone to find it
      images.forEach(study -> rows.addAll(explainOne(explainer, method, study, progress)));
      return rows;
    }
    for (int i = 0; i < images.size(); i++) {
      rows.addAll(rows(explainer, method, images.get(i), all.get(i)));
    }
    return rows;
  }

  private List<ResultRow> explainOne(Explainer explainer, String method, Loaded study, Progress progress) {
    try {
      List<Explanation> explanations = study.volume() != null
          ? explainer.explain(study.volume(), settings.selection(), progress)
          : explainer.explain(List.of(study.image()), settings.selection(), progress).get(0);
      return rows(explainer, method, study, explanations);
    } catch (RuntimeException e) {
      return List.of(failure(study, method, ErrorMessages.of(e)));
    }
  }

  /** The rows of a study's maps, the maps written first; a failure row when a step fails. */
  private List<ResultRow> rows(Explainer explainer, String method, Loaded study, List<Explanation> explanations) {
    try {
      List<ResultRow> rows = new ArrayList<>();
      for (Explanation e : explanations) {
        rows.add(row(explainer, method, study, e));
      }
      return rows;
    } catch (RuntimeException e) {
      return List.of(failure(study, method, ErrorMessages.of(e)));
    }
  }

  private ResultRow row(Explainer explainer, String method, Loaded study, Explanation e) {
    String target = e.target().label();
    String stem = "maps/" + study.study().name() + "/" + ExplanationWriter.safe(method) + "."
        + ExplanationWriter.safe(target);
    try {
      AtomicFiles.write(out.resolve(stem + ".raw.npy"), Npy.encode(e.raw()));
      AtomicFiles.write(out.resolve(stem + ".npy"), Npy.encode(e.heatmap()));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    MapStatistics stats = MapStatistics.of(e);
    Volume volume = study.volume();
    Path maskFile = study.study().masks().get(target);
    FindingScope scope = volume == null
        ? FindingScope.ofImage(model, study.image(), e,
            maskFile == null ? null : LabelledStudies.maskPlane(maskFile, study.image()))
        : FindingScope.ofVolume(model, volume, e,
            maskFile == null ? null : LabelledStudies.maskVolume(maskFile, volume));
    Boolean pointing = null;
    Double energy = null;
    Double iou = null;
    if (scope.mask() != null) {
      pointing = scope.pointingHit();
      energy = MapAgreement.energyInside(scope.heat(), scope.mask());
      iou = MapAgreement.iou(scope.heat(), scope.mask(), MapStatistics.BOX_THRESHOLD);
    }
    Map<String, Double> quality = new LinkedHashMap<>();
    for (String measure : settings.quality()) {
      if (scope.mask() == null && BatchSettings.MASK_MEASURES.contains(measure)) {
        continue;
      }
      double[] values = QualityMeasures.score(measure, scope, explainer, e, settings.qualitySettings()).values();
      List<String> fields = QualityMeasures.fields(List.of(measure));
      for (int i = 0; i < fields.size(); i++) {
        quality.put(fields.get(i), values[i]);
      }
    }
    return new ResultRow(key(study, method), study.study().name(), study.sha256(), model.sha256(), method,
        target, (double) e.target().probability(), stats.peakSlice(), stats.peakX(), stats.peakY(),
        stats.topEnergy(), stats.boxes(), pointing, energy, iou, quality, stem + ".raw.npy", stem + ".npy", null);
  }

  private ResultRow failure(Loaded study, String method, String error) {
    return ResultRow.failure(key(study, method), study.study().name(), study.sha256(), model.sha256(),
        method, error);
  }

  @Override
  public void close() {
    explainers.values().forEach(Explainer::close);
    explainers.clear();
  }
}
