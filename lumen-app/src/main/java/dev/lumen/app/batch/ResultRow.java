package dev.lumen.app.batch;

import java.util.Map;

/**
 * One row of the results table: a study's map for one method and target, or a study that
 * failed (only the ids and {@code error} set). Values that do not apply are null.
 *
 * @param key the content key of the study's explanation by this method: SHA-256 of the model's
 *     and the study's content, the method and the settings; a rerun skips the keys it finds
 * @param study the study's path relative to the dataset
 * @param studySha256 SHA-256 of the study's bytes (its files', in name order, for a series)
 * @param modelSha256 SHA-256 of the model file
 * @param method the explanation method
 * @param target the explained label
 * @param probability the model's probability of {@code target}
 * @param peakSlice the slice of the map's maximum (0 for a 2D study)
 * @param peakX its column, in study pixels
 * @param peakY its row
 * @param topEnergy the share of the normalised map's sum held by its top 5 % of pixels
 * @param boxes the regions where the normalised map is at least 0.5, as JSON
 *     {@code [{"slice", "x0", "y0", "x1", "y1", "confidence"}]}
 * @param pointing whether the maximum lies on the finding's mask (where the dataset has one)
 * @param energyInside the share of the map inside the mask
 * @param iou IoU of the map at 0.5 with the mask
 * @param quality the quality measures asked for, by field name ({@code deletionAuc}, ...)
 * @param rawMap the raw map's {@code .npy}, relative to the run's folder
 * @param map the normalised map's {@code .npy}, relative to the run's folder
 * @param error why the study could not be explained
 */
public record ResultRow(String key, String study, String studySha256, String modelSha256, String method,
                        String target, Double probability, Integer peakSlice, Integer peakX, Integer peakY,
                        Double topEnergy, String boxes, Boolean pointing, Double energyInside, Double iou,
                        Map<String, Double> quality, String rawMap, String map, String error) {
  public ResultRow {
    quality = quality == null ? Map.of() : Map.copyOf(quality);
  }

  /** The row of a study that failed by {@code method} (or before any method: then null). */
  public static ResultRow failure(String key, String study, String studySha256, String modelSha256, String method,
      String error) {
    return new ResultRow(key, study, studySha256, modelSha256, method, null, null, null, null, null, null, null,
        null, null, null, Map.of(), null, null, error);
  }
}
