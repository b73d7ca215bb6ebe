package dev.lumen.app.annotate;

import dev.lumen.app.service.LumenService;
import dev.lumen.app.store.ExplanationRow;
import dev.lumen.core.Ranges;
import dev.lumen.core.io.Npy;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well each stored explanation of a study agrees with a clinician's annotation of a label:
 * on every slice the annotation covers, whether the map's peak falls on it (within the
 * pointing tolerance), the share of the map's heat inside it, and the IoU of the map above a
 * threshold with it — the measures {@code lumen evaluate} gives against a dataset's masks.
 */
public final class Agreement {
  private final LumenService service;
  private final Annotations annotations;

  /** Agreement of {@code service}'s explanations with {@code annotations}. */
  public Agreement(LumenService service, Annotations annotations) {
    this.service = service;
    this.annotations = annotations;
  }

  /**
   * One row per stored explanation of {@code label} on the study: model, method, key, the
   * pointing game hit rate, mean energy inside and mean IoU over the annotated slices.
   *
   * @throws dev.lumen.app.service.NotFoundException when the study has no annotation of the label
   */
  public List<Map<String, Object>> of(String studyId, String label, double threshold) {
    Ranges.requireUnit("threshold", threshold);
    boolean[][] mask = annotations.mask(studyId, label);
    if (mask == null) {
      throw new dev.lumen.app.service.NotFoundException("annotation labelled", label + "' on study '" + studyId);
    }
    int[] shape = service.studyShape(studyId);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ExplanationRow e : service.store().explanationsOf(studyId)) {
      if (!e.targetLabel().equals(label)) {
        continue;
      }
      Tensor map = Npy.read(service.blobs().path(e.mapBlob()).orElseThrow(() -> new IllegalStateException("blob "
          + e.mapBlob() + " is missing"))).tensor();
      double hits = 0;
      double energy = 0;
      double iou = 0;
      int slices = 0;
      for (int s = 0; s < mask.length; s++) {
        float[] region = new float[mask[s].length];
        boolean any = false;
        for (int i = 0; i < region.length; i++) {
          region[i] = mask[s][i] ? 1 : 0;
          any |= mask[s][i];
        }
        if (!any) {
          continue;
        }
        float[] heat = map.slice(s).unsafeData();
        slices++;
        hits += MapAgreement.pointingHit(heat, region, shape[2],
            MapAgreement.pointingTolerance(Math.max(shape[1], shape[2]))) ? 1 : 0;
        energy += MapAgreement.energyInside(heat, region);
        iou += MapAgreement.iou(heat, region, threshold);
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("explanation", e.cacheKey());
      row.put("model", e.modelId());
      row.put("method", e.method());
      row.put("slices", slices);
      row.put("pointingGame", hits / slices);
      row.put("energyInside", energy / slices);
      row.put("iou", iou / slices);
      rows.add(row);
    }
    return rows;
  }
}
