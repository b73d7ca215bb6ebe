package dev.lumen.core.explain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Which of a method's perturbed copies are the same copy: a method that would score {@code count}
 * copies scores only the distinct ones and hands each duplicate its twin's scores. Copies are the
 * same when their keys are equal ({@link Object#equals}), so the saving is exact.
 *
 * @param group for each copy, the index of its distinct copy
 * @param representatives for each distinct copy, the first copy that is it
 */
public record DistinctCopies(int[] group, int[] representatives) {
  /** The distinct copies among {@code count}, copy {@code i} known by {@code key.apply(i)}. */
  public static DistinctCopies of(int count, IntFunction<Object> key) {
    int[] group = new int[count];
    List<Integer> first = new ArrayList<>();
    Map<Object, Integer> seen = new HashMap<>();
    for (int i = 0; i < count; i++) {
      Integer known = seen.putIfAbsent(key.apply(i), first.size());
      if (known == null) {
        group[i] = first.size();
        first.add(i);
      } else {
        group[i] = known;
      }
    }
    return new DistinctCopies(group, first.stream().mapToInt(Integer::intValue).toArray());
  }

  /** How many distinct copies there are. */
  public int count() {
    return representatives.length;
  }

  /** The distinct copies' score rows spread back over every copy (duplicates share a row). */
  public float[][] expand(float[][] distinct) {
    float[][] out = new float[group.length][];
    for (int i = 0; i < group.length; i++) {
      out[i] = distinct[group[i]];
    }
    return out;
  }
}
