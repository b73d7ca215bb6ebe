package dev.lumen.app.evaluate;

import dev.lumen.core.image.Image;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.model.Model;
import dev.lumen.core.quality.Complexity;
import dev.lumen.core.quality.Faithfulness;
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
 *   <li>{@code sanity}: the cascading randomisation test, per method rather than per finding
 *       ({@link dev.lumen.core.quality.SanityCheck}).
 * </ul>
 */
public final class QualityMeasures {
  /** The measures by name, with the report's field for each. */
  private static final Map<String, String> FIELDS = fields();

  private QualityMeasures() {}

  private static Map<String, String> fields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("deletion", "deletionAuc");
    f.put("insertion", "insertionAuc");
    f.put("relevance-rank", "relevanceRank");
    f.put("sparseness", "sparseness");
    f.put("entropy", "entropy");
    f.put("sanity", "sanity");
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
    return measures.contains("deletion") || measures.contains("insertion") || measures.contains("sanity");
  }

  /** The measures taken per finding (all but the per-method sanity check). */
  public static List<String> perFinding(List<String> measures) {
    return measures.stream().filter(m -> !m.equals("sanity")).toList();
  }

  /** The report's field of {@code measure}. */
  public static String field(String measure) {
    return FIELDS.get(measure);
  }

  /** {@code measure} of the map {@code heat} of {@code label} on {@code image}, whose finding is {@code mask}. */
  public static double score(String measure, Model model, Image image, int label, float[] heat, float[] mask,
      Faithfulness.Settings settings) {
    return switch (measure) {
      case "deletion" -> Faithfulness.deletion(model, image, label, heat, settings).auc();
      case "insertion" -> Faithfulness.insertion(model, image, label, heat, settings).auc();
      case "relevance-rank" -> MapAgreement.relevanceRank(heat, mask);
      case "sparseness" -> Complexity.sparseness(heat);
      case "entropy" -> Complexity.entropy(heat);
      default -> throw new IllegalArgumentException("unknown quality measure '" + measure + "'");
    };
  }
}
