package dev.lumen.app.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.app.evaluate.QualityMeasures;
import dev.lumen.app.service.MethodSettings;
import dev.lumen.app.service.Methods;
import dev.lumen.core.dicom.DicomImages;
import dev.lumen.core.explain.Targets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a batch run computes, the same for every study: it keys the results (with the model's and
 * the study's content), so a rerun with other settings is refused rather than mixed in.
 *
 * @param methods the explanation methods
 * @param methodSettings their settings
 * @param targets which labels: {@code top1}, {@code top:K}, {@code all} or {@code labels:A,B}
 * @param quality the quality measures taken of every map (of a volume, on its hottest slice)
 * @param qualitySettings their settings
 * @param voi the VOI window grey DICOM studies are shown through ({@code C,W}), or null for each
 *     file's own
 */
public record BatchSettings(List<String> methods, MethodSettings methodSettings, String targets,
                            List<String> quality, QualityMeasures.Settings qualitySettings, String voi) {
  /** The measures a batch cannot take per map: chosen over a dataset, or taken per method. */
  private static final List<String> DATASET_MEASURES = List.of("tuned-iou", "sanity", "data-randomisation");
  /** The measures that need the finding's mask; without one they are left empty. */
  static final List<String> MASK_MEASURES = List.of("relevance-rank", "hit-rate", "otsu-iou");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Checks every name before any work.
   *
   * @throws IllegalArgumentException naming an unknown method, measure or target form, or a
   *     measure only a dataset-wide evaluation takes
   */
  public BatchSettings {
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("no method given");
    }
    methods = Methods.named(methods).stream().map(m -> m.toLowerCase(Locale.ROOT)).distinct().toList();
    quality = QualityMeasures.named(quality);
    List<String> refused = quality.stream().filter(DATASET_MEASURES::contains).toList();
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException("--quality " + String.join(",", refused) + " is taken over a whole "
          + "dataset (lumen evaluate), not per map");
    }
    methodSettings.resolve();
    selection(targets);
    if (voi != null) {
      DicomImages.Window.given(voi);
    }
  }

  /** The targets of every study. */
  public Targets selection() {
    return selection(targets);
  }

  private static Targets selection(String targets) {
    if (targets.equals("top1")) {
      return Targets.top1();
    }
    if (targets.equals("all")) {
      return Targets.all();
    }
    if (targets.startsWith("top:")) {
      try {
        return Targets.top(Integer.parseInt(targets.substring(4)));
      } catch (NumberFormatException e) {
        // refused below
      }
    }
    if (targets.startsWith("labels:") && targets.length() > 7) {
      return Targets.labels(Arrays.asList(targets.substring(7).split(",")));
    }
    throw new IllegalArgumentException("targets '" + targets + "': top1, top:K, all or labels:A,B");
  }

  /** The window of grey DICOM studies, or null for each file's own. */
  public DicomImages.Window window() {
    return voi == null ? null : DicomImages.Window.given(voi);
  }

  /** The report's fields of the quality measures, one column each in the results table. */
  public List<String> qualityFields() {
    return QualityMeasures.fields(quality);
  }

  /** The settings as JSON, to carry them to another process (a Spark executor). */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The settings {@link #toJson()} wrote. */
  public static BatchSettings fromJson(String json) {
    try {
      return JSON.readValue(json, BatchSettings.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not batch settings: " + e.getOriginalMessage(), e);
    }
  }

  /** Everything but the methods, as JSON: what, with the model, study and method, keys a result. */
  public String keyText() {
    try {
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("methodSettings", methodSettings);
      values.put("targets", targets);
      values.put("quality", quality);
      values.put("qualitySettings", qualitySettings);
      values.put("voi", voi);
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
