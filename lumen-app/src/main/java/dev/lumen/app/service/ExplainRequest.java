package dev.lumen.app.service;

import java.util.List;
import java.util.Map;

/**
 * What to explain: a registered model and study, a method with its settings, the targets.
 *
 * @param model the model's id
 * @param study the study's id
 * @param method a method name ({@link Methods#NAMES})
 * @param layer the feature map to explain, or null for the model's default
 * @param settings the method's settings that differ from {@link MethodSettings#defaults()}, by
 *     field name (e.g. {@code {"window": 32}}); null for none
 * @param labels the labels to explain (names or indices); null for {@code top}
 * @param top how many of the most probable labels to explain when {@code labels} is null (1 if 0)
 */
public record ExplainRequest(String model, String study, String method, String layer, Map<String, Object> settings,
                             List<String> labels, int top) {
  public ExplainRequest {
    if (model == null || study == null || method == null) {
      throw new IllegalArgumentException("an explanation needs 'model', 'study' and 'method'");
    }
    settings = settings == null ? Map.of() : Map.copyOf(settings);
    labels = labels == null ? null : List.copyOf(labels);
    if (top < 0) {
      throw new IllegalArgumentException("'top' must be at least 1, got " + top);
    }
  }
}
