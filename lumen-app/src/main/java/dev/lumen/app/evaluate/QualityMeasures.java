package dev.lumen.app.evaluate;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.metrics.MapAgreement;
import dev.lumen.core.quality.Complexity;
import dev.lumen.core.quality.CopyScorer;
import dev.lumen.core.quality.Faithfulness;
import dev.lumen.core.quality.PerturbationCurve;
import dev.lumen.core.quality.PixelFlipping;
import dev.lumen.core.quality.Road;
import dev.lumen.core.quality.Robustness;
import dev.lumen.core.quality.Voxels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The quality measures {@code lumen evaluate --quality} adds to each method's scores, by name,
 * each taken on the heat map of a finding (normalised, in the study's geometry, as for the pointing
 * game), and averaged like them over the positive studies with a mask:
 *
 * <ul>
 *   <li>{@code deletion}, {@code insertion}: the area under the target's probability as the map's
 *       pixels are removed or revealed ({@link Faithfulness}); lower is better for deletion;
 *   <li>{@code road}: the mean probability as the most or the least relevant pixels are removed and
 *       imputed, and the gap between them ({@link Road}); a larger gap is better;
 *   <li>{@code aopc}: the average drop as regions are flipped to noise, most relevant first
 *       ({@link PixelFlipping}); larger is better;
 *   <li>{@code relevance-rank}: the share of the map's top K pixels on the finding, K its size
 *       (relevance mass accuracy is the energy inside, always reported);
 *   <li>{@code hit-rate}: CheXlocalize's hit, the map's peak on the finding (the pointing game
 *       without tolerance);
 *   <li>{@code otsu-iou}: CheXlocalize's IoU of the Otsu segmentation of the map;
 *   <li>{@code tuned-iou}: the IoU at the threshold, of 0.05 to 0.95 in steps of 0.05, that is best
 *       for the label over these studies, and that threshold (tuned on the studies it scores, so an
 *       upper bound for new ones);
 *   <li>{@code sparseness}, {@code entropy}: how concentrated the map is ({@link Complexity});
 *   <li>{@code sensitivity}: the average and the largest change of the raw map under small
 *       uniform noise ({@link Robustness}; of a volume, over the whole volume);
 *   <li>{@code sanity}: the model randomisation tests, cascading and layer by layer, per method
 *       rather than per finding, a volume's maps compared whole ({@link dev.lumen.core.quality.SanityCheck});
 *   <li>{@code data-randomisation}: the maps of a head trained on the labels against those of a
 *       head trained on them shuffled, per method ({@link dev.lumen.core.quality.DataRandomisation}).
 * </ul>
 *
 * <p>The noise of ROAD and pixel flipping is drawn from a fixed seed per study, so every method
 * is scored on the same perturbations and a run repeats.
 */
public final class QualityMeasures {
  /** The measures by name, with the report's fields of each. */
  private static final Map<String, List<String>> FIELDS = fields();
  /** The thresholds {@code tuned-iou} chooses from. */
  private static final double[] TUNING = IntStream.rangeClosed(1, 19).mapToDouble(i -> i * 0.05).toArray();

  /**
   * The measures' settings.
   *
   * @param faithfulness deletion's and insertion's
   * @param road ROAD's
   * @param flipping pixel flipping's
   * @param sanityLayers how many layers the sanity checks re-draw, from the top (0: all)
   * @param sensitivitySamples noisy copies per study for the sensitivity
   * @param sensitivityRadius their noise's half-width, a fraction of the study's range top
   */
  public record Settings(Faithfulness.Settings faithfulness, Road.Settings road, PixelFlipping.Settings flipping,
                         int sanityLayers, int sensitivitySamples, double sensitivityRadius) {
    public Settings {
      if (sanityLayers < 0) {
        throw new IllegalArgumentException("--sanity-layers must be at least 0 (0: every layer), got " + sanityLayers);
      }
      if (sensitivitySamples < 1 || !(sensitivityRadius > 0 && sensitivityRadius <= 1)) {
        throw new IllegalArgumentException("--sensitivity-samples must be at least 1 and --sensitivity-radius in "
            + "(0, 1], got " + sensitivitySamples + " and " + sensitivityRadius);
      }
    }

    /** Each measure's published defaults, every layer, 8 copies at 2 % noise. */
    public static Settings defaults() {
      return new Settings(Faithfulness.Settings.defaults(), Road.Settings.defaults(), PixelFlipping.Settings.defaults(),
          0, 8, 0.02);
    }
  }

  /**
   * What a measure gives for one finding: its raw values (one per field, or one per candidate
   * threshold for {@code tuned-iou}), to be averaged over the findings, and its curves by name.
   */
  public record Scored(double[] values, Map<String, PerturbationCurve> curves) {
    Scored(double... values) {
      this(values, Map.of());
    }
  }

  private QualityMeasures() {}

  private static Map<String, List<String>> fields() {
    Map<String, List<String>> f = new LinkedHashMap<>();
    f.put("deletion", List.of("deletionAuc"));
    f.put("insertion", List.of("insertionAuc"));
    f.put("road", List.of("roadMorf", "roadLerf", "roadGap"));
    f.put("aopc", List.of("aopc"));
    f.put("relevance-rank", List.of("relevanceRank"));
    f.put("hit-rate", List.of("hitRate"));
    f.put("otsu-iou", List.of("otsuIou"));
    f.put("tuned-iou", List.of("tunedIou", "tunedThreshold"));
    f.put("sparseness", List.of("sparseness"));
    f.put("entropy", List.of("entropy"));
    f.put("sensitivity", List.of("averageSensitivity", "maxSensitivity"));
    f.put("sanity", List.of());
    f.put("data-randomisation", List.of());
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

  /**
   * Whether any of {@code measures} runs the model on changed studies or a changed model (one
   * model, not an ensemble).
   */
  public static boolean perturbs(List<String> measures) {
    List<String> perturbing = List.of("deletion", "insertion", "road", "aopc", "sanity", "sensitivity",
        "data-randomisation");
    return measures.stream().anyMatch(perturbing::contains);
  }

  /**
   * {@code measures} checked for {@code evaluate-mrnet}'s exams and {@code batch}'s volumes;
   * every measure ({@code all}) stands for every measure they take.
   *
   * @throws IllegalArgumentException for the data randomisation test, whose heads are trained on
   *     the studies of a labelled CSV ({@code lumen evaluate}, on image and volume models alike)
   */
  public static List<String> onExams(List<String> measures) {
    String csvOnly = "data-randomisation";
    if (measures.containsAll(FIELDS.keySet())) {
      return measures.stream().filter(m -> !m.equals(csvOnly)).toList();
    }
    if (measures.contains(csvOnly)) {
      throw new IllegalArgumentException("--quality " + csvOnly + " trains heads on the studies of a labelled CSV: "
          + "run lumen evaluate on a CSV of one plane's exams; here choose from "
          + FIELDS.keySet().stream().filter(m -> !m.equals(csvOnly)).toList());
    }
    return measures;
  }

  /** The measures taken per finding (all but the per-method randomisation tests). */
  public static List<String> perFinding(List<String> measures) {
    return measures.stream().filter(m -> !m.equals("sanity") && !m.equals("data-randomisation")).toList();
  }

  /** The report's fields of {@code measures}, in order. */
  public static List<String> fields(List<String> measures) {
    return measures.stream().flatMap(m -> FIELDS.get(m).stream()).toList();
  }

  /** How many raw values {@link #score} gives for {@code measure}. */
  static int width(String measure) {
    return measure.equals("tuned-iou") ? TUNING.length : FIELDS.get(measure).size();
  }

  /** The report's fields of {@code measure} from the means of its raw values over the findings. */
  static Map<String, Double> summary(String measure, double[] means) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (measure.equals("tuned-iou")) {
      int best = 0;
      for (int i = 1; i < means.length; i++) {
        best = means[i] > means[best] ? i : best;
      }
      out.put("tunedIou", means[best]);
      out.put("tunedThreshold", TUNING[best]);
      return out;
    }
    List<String> names = FIELDS.get(measure);
    for (int i = 0; i < names.size(); i++) {
      out.put(names.get(i), means[i]);
    }
    return out;
  }

  /**
   * {@code measure} for the explanation {@code e}, made by {@code explainer}, of a finding scored
   * in {@code scope} (its heat, its mask, the voxels its perturbed copies change and how they are
   * scored); the sensitivity of a finding in an exam or a volume is taken over the whole of it,
   * whose noisy copies are explained whole.
   */
  public static Scored score(String measure, FindingScope scope, Explainer explainer, Explanation e,
      Settings settings) {
    int label = e.target().index();
    Voxels study = scope.study();
    float[] heat = scope.heat();
    float[] mask = scope.mask();
    CopyScorer scorer = scope.scorer();
    return switch (measure) {
      case "deletion" -> curve("deletion", Faithfulness.deletion(scorer, study, label, heat, settings.faithfulness()),
          PerturbationCurve::area);
      case "insertion" -> curve("insertion", Faithfulness.insertion(scorer, study, label, heat,
          settings.faithfulness()), PerturbationCurve::area);
      case "road" -> {
        Road.Result r = Road.of(scorer, study, label, heat, settings.road(), 0);
        yield new Scored(new double[] {r.mostRelevantFirst().mean(), r.leastRelevantFirst().mean(), r.gap()},
            Map.of("roadMorf", r.mostRelevantFirst(), "roadLerf", r.leastRelevantFirst()));
      }
      case "aopc" -> curve("pixelFlipping", PixelFlipping.of(scorer, study, label, heat, settings.flipping(), 0),
          PerturbationCurve::averageDrop);
      case "relevance-rank" -> new Scored(MapAgreement.relevanceRank(heat, mask));
      case "hit-rate" -> new Scored(scope.peakOnFinding() ? 1 : 0);
      case "otsu-iou" -> new Scored(MapAgreement.otsuIou(heat, mask));
      case "tuned-iou" -> new Scored(IntStream.range(0, TUNING.length)
          .mapToDouble(i -> MapAgreement.iou(heat, mask, TUNING[i])).toArray());
      case "sparseness" -> new Scored(Complexity.sparseness(heat));
      case "entropy" -> new Scored(Complexity.entropy(heat));
      case "sensitivity" -> {
        Robustness r = scope.volume() != null
            ? Robustness.of(explainer, scope.volume(), label, settings.sensitivitySamples(),
                settings.sensitivityRadius(), 0)
            : Robustness.of(explainer, scope.image(), label, settings.sensitivitySamples(),
                settings.sensitivityRadius(), 0);
        yield new Scored(r.average(), r.maximum());
      }
      default -> throw new IllegalArgumentException("unknown quality measure '" + measure + "'");
    };
  }

  private static Scored curve(String name, PerturbationCurve curve,
      java.util.function.ToDoubleFunction<PerturbationCurve> value) {
    return new Scored(new double[] {value.applyAsDouble(curve)}, Map.of(name, curve));
  }
}
