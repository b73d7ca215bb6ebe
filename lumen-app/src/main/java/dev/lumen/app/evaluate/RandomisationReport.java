package dev.lumen.app.evaluate;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.quality.Finding;
import dev.lumen.core.quality.SanityCheck;
import dev.lumen.core.quality.Similarity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The randomisation tests as the evaluation reports give them: similarities by name, and a row per step. */
public final class RandomisationReport {
  private RandomisationReport() {}

  /**
   * The sanity checks of one method on {@code model}: {@code cascading} and {@code independent},
   * each a row per step over the top {@code depth} learned layers (0: all), comparing the maps of
   * {@code findings} with {@code original}, the trained model's maps of them.
   */
  public static Map<String, Object> sanity(Model model, Function<Model, Explainer> factory, List<Finding> findings,
      List<Explanation> original, int depth, Progress progress) {
    Map<String, Object> tests = new LinkedHashMap<>();
    tests.put("cascading", rows(SanityCheck.cascading(model, factory, findings, original, depth, 0, progress)));
    tests.put("independent", rows(SanityCheck.independent(model, factory, findings, original, depth, 0, progress)));
    return tests;
  }

  /** The four similarities by name. */
  public static Map<String, Object> similarity(Similarity s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("spearmanOfAbsolute", s.spearmanOfAbsolute());
    out.put("spearman", s.spearman());
    out.put("ssim", s.ssim());
    out.put("hog", s.hog());
    return out;
  }

  private static List<Map<String, Object>> rows(List<SanityCheck.Step> steps) {
    return steps.stream().map(step -> {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("layer", step.layer());
      row.put("randomisedLayers", step.randomised());
      row.putAll(similarity(step.similarity()));
      return row;
    }).toList();
  }
}
