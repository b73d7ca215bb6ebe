package dev.lumen.app.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.postprocess.Regions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the results table says of a normalised map: where its maximum is, how concentrated it
 * is, and its regions.
 *
 * @param peakSlice the slice of the maximum (the first, on ties)
 * @param peakX its column
 * @param peakY its row
 * @param topEnergy the share of the map's sum in its top {@link #TOP_SHARE} of pixels (null for a
 *     map of zeros)
 * @param boxes the regions at or above {@link #BOX_THRESHOLD} per slice, as JSON
 */
public record MapStatistics(int peakSlice, int peakX, int peakY, Double topEnergy, String boxes) {
  /** The share of pixels whose energy {@code topEnergy} counts. */
  public static final double TOP_SHARE = 0.05;
  /** The normalised level that bounds a box. */
  public static final float BOX_THRESHOLD = 0.5f;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The statistics of {@code e}'s normalised map ({@code [slices, height, width]}). */
  public static MapStatistics of(Explanation e) {
    float[] heat = e.heatmap().unsafeData();
    int height = e.heatmap().dim(1);
    int width = e.heatmap().dim(2);
    int peak = 0;
    double sum = 0;
    for (int i = 0; i < heat.length; i++) {
      peak = heat[i] > heat[peak] ? i : peak;
      sum += heat[i];
    }
    float[] sorted = heat.clone();
    Arrays.sort(sorted);
    int top = (int) Math.ceil(TOP_SHARE * sorted.length);
    double topSum = 0;
    for (int i = sorted.length - top; i < sorted.length; i++) {
      topSum += sorted[i];
    }
    List<Map<String, Object>> boxes = new ArrayList<>();
    for (int s = 0; s < e.slices(); s++) {
      for (Regions.Box b : Regions.of(e.heatmap(s), BOX_THRESHOLD)) {
        Map<String, Object> box = new LinkedHashMap<>();
        box.put("slice", s);
        box.put("x0", b.x0());
        box.put("y0", b.y0());
        box.put("x1", b.x1());
        box.put("y1", b.y1());
        box.put("confidence", b.confidence());
        boxes.add(box);
      }
    }
    try {
      return new MapStatistics(peak / (width * height), peak % width, peak / width % height,
          sum > 0 ? topSum / sum : null, JSON.writeValueAsString(boxes));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
