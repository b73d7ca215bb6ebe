package dev.lumen.app.service;

import dev.lumen.core.image.Image;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Studies as decoded, kept between requests by study id so that a study is read once while it
 * is being looked at (a prediction, then its explanations, its pixels for the viewer): decoding a
 * PNG took as long as a fifth of a Grad-CAM. Bounded by the pixels' bytes; the least recently
 * used go first, and a study larger than the whole budget is decoded each time instead. Studies
 * never change (an id is the hash of the content), so a kept one is never stale.
 */
final class DecodedStudies {
  private final long budget;
  private final Map<String, List<Image>> kept = new LinkedHashMap<>(16, 0.75f, true);
  private long used;

  /** Keeps up to {@code budget} bytes of pixels. */
  DecodedStudies(long budget) {
    this.budget = budget;
  }

  /** Study {@code id}'s slices, decoded by {@code decode} unless they are kept. */
  List<Image> get(String id, Supplier<List<Image>> decode) {
    synchronized (this) {
      List<Image> slices = kept.get(id);
      if (slices != null) {
        return slices;
      }
    }
    List<Image> slices = List.copyOf(decode.get());
    long size = bytes(slices);
    synchronized (this) {
      if (size <= budget && !kept.containsKey(id)) {
        kept.put(id, slices);
        used += size;
        Iterator<List<Image>> oldestFirst = kept.values().iterator();
        while (used > budget) {
          used -= bytes(oldestFirst.next());
          oldestFirst.remove();
        }
      }
    }
    return slices;
  }

  private static long bytes(List<Image> slices) {
    return slices.stream().mapToLong(s -> 4L * s.pixels().size()).sum();
  }
}
