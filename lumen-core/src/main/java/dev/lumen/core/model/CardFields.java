package dev.lumen.core.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks of model card values, with messages that name the field, the value and what is allowed. */
final class CardFields {
  /** The largest input side a card may give. */
  static final int MAX_SIDE = 16384;

  private CardFields() {}

  /** {@code labels} when every one is named and no two are the same (ignoring case). */
  static List<String> labels(List<String> labels) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      String label = labels.get(i);
      if (label == null || label.isBlank()) {
        throw new IllegalArgumentException("model card field 'labels' has an empty name at position " + i);
      }
      Integer earlier = seen.putIfAbsent(label.toLowerCase(Locale.ROOT), i);
      if (earlier != null) {
        throw new IllegalArgumentException("model card field 'labels' names '" + label + "' twice (positions "
            + earlier + " and " + i + "); every output needs its own label");
      }
    }
    return List.copyOf(labels);
  }

  /** Fails unless {@code value} is null or one of {@code allowed} (ignoring case). */
  static void oneOf(String field, String value, String... allowed) {
    if (value != null && Arrays.stream(allowed).noneMatch(a -> a.equalsIgnoreCase(value))) {
      throw new IllegalArgumentException("model card field '" + field + "' is '" + value + "'; allowed: "
          + Arrays.toString(allowed));
    }
  }

  /** Fails unless {@code side} is null or a usable input side. */
  static void side(String field, Integer side) {
    if (side != null && (side < 1 || side > MAX_SIDE)) {
      throw new IllegalArgumentException("model card field '" + field + "' is " + side + "; allowed: 1 to " + MAX_SIDE);
    }
  }

  /** Fails unless {@code values} is null or one value or three (one per colour channel), finite, positive if asked. */
  static void perChannel(String field, float[] values, boolean positive) {
    if (values == null) {
      return;
    }
    if (values.length != 1 && values.length != 3) {
      throw new IllegalArgumentException("model card field '" + field + "' has " + values.length
          + " values " + Arrays.toString(values) + "; give one, or one per channel (1 or 3)");
    }
    for (float v : values) {
      if (!Float.isFinite(v) || positive && !(v > 0)) {
        throw new IllegalArgumentException("model card field '" + field + "' holds " + v + " in "
            + Arrays.toString(values) + "; allowed: finite" + (positive ? " values above 0" : " values"));
      }
    }
  }

  /** What a field of {@code type} must hold, for a type mismatch. */
  static String expected(Class<?> type) {
    if (type == null) {
      return "has the wrong JSON type";
    }
    if (type == Integer.class || type == int.class) {
      return "must be a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (type == String.class) {
      return "must be a string";
    }
    if (type == float[].class || List.class.isAssignableFrom(type)) {
      return "must be a list" + (type == float[].class ? " of numbers" : " of strings");
    }
    if (type == float.class || type == Float.class) {
      return "must be a number";
    }
    return "must be a JSON object";
  }
}
