package dev.lumen.app.evaluate;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.image.Image;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.Model;
import dev.lumen.core.quality.Complexity;
import dev.lumen.core.quality.Faithfulness;
import dev.lumen.core.quality.Robustness;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quality measures {@code lumen evaluate --quality} adds to each method's scores, by name,
 * each taken on the heat map of a finding (normalised, in the study's geometry, as for the pointing
 * game), and averaged like them over the positive studies with a mask:
 *
 * <ul>
 *   <li>{@code deletion}, {@code insertion}: the area under the target's probability as the map's
 *       pixels are removed or revealed ({@link Faithfulness}); lower is better for deletion;
 *   <li>{@code relevance-rank}: the share of the map's top K pixels on the finding, K its size
 *       (relevance mass accuracy is the energy inside, always reported);
 *   <li>{@code sparseness}, {@code entropy}: how concentrated the map is ({@link Complexity});
 *   <li>{@code sensitivity}: the average and the largest change of the raw map under small
 *       uniform noise ({@link Robustness});
 *   <li>{@code sanity}: the cascading randomisation test, per method rather than per finding
 *       ({@link dev.lumen.core.quality.SanityCheck}).
 * </ul>
 */
public final class QualityMeasures {
  /** The measures by name, with the report's fields of each. */
  private static final Map<String, List<String>> FIELDS = fields();

  /**
   * The measures' settings.
   *
   * @param faithfulness deletion's and insertion's
   * @param sanityLayers how many layers the sanity check's cascade re-draws, from the top (0: all)
   * @param sensitivitySamples noisy copies per study for the sensitivity
   * @param sensitivityRadius their noise's half-width, a fraction of the study's range top
   */
  public record Settings(Faithfulness.Settings faithfulness, int sanityLayers, int sensitivitySamples,
                         double sensitivityRadius) {
    public Settings {
      if (sanityLayers < 0) {
        throw new IllegalArgumentException("--sanity-layers must be at least 0 (0: every layer), got " + sanityLayers);
      }
      if (sensitivitySamples < 1 || !(sensitivityRadius > 0 && sensitivityRadius <= 1)) {
        throw new IllegalArgumentException("--sensitivity-samples must be at least 1 and --sensitivity-radius in "
            + "(0, 1], got " + sensitivitySamples + " and " + sensitivityRadius);
      }
    }

    /** Deletion's and insertion's defaults, every layer, 8 copies at 2 % noise. */
    public static Settings defaults() {
      return new Settings(Faithfulness.Settings.defaults(), 0, 8, 0.02);
    }
  }

  private QualityMeasures() {}

  private static Map<String, List<String>> fields() {
    Map<String, List<String>> f = new LinkedHashMap<>();
    f.put("deletion", List.of("deletionAuc"));
    f.put("insertion", List.of("insertionAuc"));
    f.put("relevance-rank", List.of("relevanceRank"));
    f.put("sparseness", List.of("sparseness"));
    f.put("entropy", List.of("entropy"));
    f.put("sensitivity", List.of("averageSensitivity", "maxSensitivity"));
    f.put("sanity", List.of());
    return f;
  }

  /**
   * {@code names} checked ({@code all}: every measure), in the given order.
   *
   * @throws IllegalArgumentException naming an unknown measure and listing the known
   */
  public static List<String> named(List<String> names) {
    if (names == null || names.isEmpty()) {
      return List.of();
    }
    if (names.size() == 1 && names.get(0).equals("all")) {
      return List.copyOf(FIELDS.keySet());
    }
    List<String> out = new ArrayList<>();
    for (String name : names) {
      if (!FIELDS.containsKey(name)) {
        throw new IllegalArgumentException("unknown quality measure '" + name + "'; known: " + FIELDS.keySet()
            + " or all");
      }
      if (!out.contains(name)) {
        out.add(name);
      }
    }
    return List.copyOf(out);
  }

  /** Whether any of {@code measures} runs the model on changed studies or a changed model (one model, not an ensemble). */
  public static boolean perturbs(List<String> measures) {
    return measures.contains("deletion") || measures.contains("insertion") || measures.contains("sanity")
        || measures.contains("sensitivity");
  }

  /** The measures taken per finding (all but the per-method sanity check). */
  public static List<String> perFinding(List<String> measures) {
    return measures.stream().filter(m -> !m.equals("sanity")).toList();
  }

  /** The report's fields of {@code measures}, in order. */
  public static List<String> fields(List<String> measures) {
    return measures.stream().flatMap(m -> FIELDS.get(m).stream()).toList();
  }

  /**
   * The values of {@code measure} (one per field) for the explanation {@code e} of a finding on
   * {@code image} ({@code heat} its heat map, {@code mask} the finding), made by {@code explainer}
   * on {@code model}.
   */
  public static double[] score(String measure, Model model, Explainer explainer, Image image, Explanation e,
      float[] heat, float[] mask, Settings settings) {
    int label = e.target().index();
    return switch (measure) {
      case "deletion" -> new double[] {Faithfulness.deletion(model, image, label, heat, settings.faithfulness()).auc()};
      case "insertion" -> new double[] {Faithfulness.insertion(model, image, label, heat, settings.faithfulness())
          .auc()};
      case "relevance-rank" -> new double[] {MapAgreement.relevanceRank(heat, mask)};
      case "sparseness" -> new double[] {Complexity.sparseness(heat)};
      case "entropy" -> new double[] {Complexity.entropy(heat)};
      case "sensitivity" -> {
        Robustness r = Robustness.of(explainer, image, label, settings.sensitivitySamples(),
            settings.sensitivityRadius(), 0);
        yield new double[] {r.average(), r.maximum()};
      }
      default -> throw new IllegalArgumentException("unknown quality measure '" + measure + "'");
    };
  }
}
