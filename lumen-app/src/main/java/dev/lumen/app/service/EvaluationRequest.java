package dev.lumen.app.service;

import java.util.List;
import java.util.Map;

/**
 * What to evaluate on a registered dataset: a model (with an ensemble, if any) on a labels CSV,
 * as {@code lumen evaluate}; or three plane models on an MRNet-layout folder, as
 * {@code lumen evaluate-mrnet}.
 *
 * @param dataset the dataset's id
 * @param model the model's id (labels CSV)
 * @param ensemble more models averaged with it (labels CSV; may be null)
 * @param weights the ensemble's weights, {@code model} first (null for equal)
 * @param planes the {@code axial}, {@code coronal} and {@code sagittal} models' ids (MRNet layout)
 * @param threshold the probability at or above which a label is called (null for 0.5)
 * @param explanations methods whose maps are scored against the masks (null for none)
 * @param settings the methods' settings that differ from the defaults, by field name
 * @param against a region to score the maps against instead of the findings' masks (labels CSV)
 * @param iouThreshold the heat at or above which a pixel counts for IoU (null for 0.5)
 * @param quality quality measures of the maps, as {@code lumen evaluate --quality} (labels CSV; null for none)
 */
public record EvaluationRequest(String dataset, String model, List<String> ensemble, double[] weights,
                                Map<String, String> planes, Double threshold, List<String> explanations,
                                Map<String, Object> settings, String against, Double iouThreshold,
                                List<String> quality) {
  public EvaluationRequest {
    if (dataset == null) {
      throw new IllegalArgumentException("an evaluation needs the 'dataset'");
    }
    if ((model == null) == (planes == null)) {
      throw new IllegalArgumentException("give the 'model' (for a labels CSV) or the 'planes' (axial, coronal and "
          + "sagittal models, for MRNet exams)");
    }
    ensemble = ensemble == null ? List.of() : List.copyOf(ensemble);
    explanations = explanations == null ? List.of() : List.copyOf(explanations);
    settings = settings == null ? Map.of() : Map.copyOf(settings);
    threshold = threshold == null ? 0.5 : threshold;
    iouThreshold = iouThreshold == null ? 0.5 : iouThreshold;
    quality = quality == null ? List.of() : List.copyOf(quality);
    if (planes != null && !quality.isEmpty()) {
      throw new IllegalArgumentException("'quality' measures maps of a labels CSV's studies, not of MRNet exams");
    }
  }
}
