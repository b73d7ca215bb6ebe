package dev.lumen.core.quality;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The model-parameter randomisation tests (Adebayo et al., NeurIPS 2018): learned layers are
 * re-drawn ({@link ParameterRandomisation}) — cascading from the top (the output side) down, one
 * more at each step, or each layer alone — and at each step every study's map of its target is
 * made again by the method on the randomised model and compared with the original model's map:
 * Spearman's rank correlation of the raw maps (at the method's resolution, signed, and of their
 * absolute values), and SSIM and HOG similarity of the heat maps (normalised, in the study's
 * geometry). A method that explains the model shows falling similarities as more of the model is
 * lost; one whose maps stay alike (guided backprop, in the paper) shows the input more than the
 * model.
 */
public final class SanityCheck {
  /**
   * One step: the layer re-drawn (in the cascade, every layer above it is re-drawn too), how many
   * are, and the mean similarities of the maps over the studies.
   */
  public record Step(String layer, int randomised, Similarity similarity) {}

  private SanityCheck() {}

  /**
   * The cascade over the top {@code depth} learned layers of {@code model} (all of them when
   * {@code depth} is 0 or more than there are), the maps of {@code findings} made by
   * {@code explainer} for each model and compared with {@code original[i]}, the trained model's
   * maps (made by the caller, who usually has them).
   *
   * @throws IllegalArgumentException for a model without learned layers, or findings and maps
   *     that differ in number
   */
  public static List<Step> cascading(Model model, Function<Model, Explainer> explainer, List<Finding> findings,
      List<Explanation> original, int depth, long seed, Progress progress) {
    return test(model, explainer, findings, original, depth, seed, true, progress);
  }

  /**
   * The same test with each of the top {@code depth} learned layers re-drawn alone (Adebayo et
   * al.'s independent randomisation), top first.
   */
  public static List<Step> independent(Model model, Function<Model, Explainer> explainer, List<Finding> findings,
      List<Explanation> original, int depth, long seed, Progress progress) {
    return test(model, explainer, findings, original, depth, seed, false, progress);
  }

  private static List<Step> test(Model model, Function<Model, Explainer> explainer, List<Finding> findings,
      List<Explanation> original, int depth, long seed, boolean cascade, Progress progress) {
    if (original.size() != findings.size() || findings.isEmpty()) {
      throw new IllegalArgumentException("the sanity check needs one original map per finding, got " + original.size()
          + " for " + findings.size());
    }
    List<Node> layers = ParameterRandomisation.layers(model.graph());
    if (layers.isEmpty()) {
      throw new IllegalArgumentException(model.name() + " has no learned layers (convolutions or dense layers with "
          + "constant weights) to randomise");
    }
    int steps = depth <= 0 ? layers.size() : Math.min(depth, layers.size());
    List<List<Node>> redrawn = new ArrayList<>();
    for (int k = 1; k <= steps; k++) {
      redrawn.add(cascade ? layers.subList(layers.size() - k, layers.size()) : List.of(layers.get(layers.size() - k)));
    }
    String phase = cascade ? "sanity check, cascading" : "sanity check, layer by layer";
    List<Step> out = new ArrayList<>();
    for (int k = 0; k < redrawn.size(); k++) {
      progress.advance(phase, k, redrawn.size());
      List<Node> set = redrawn.get(k);
      try (Model randomised = model.withGraph(ParameterRandomisation.randomised(model.graph(), set, seed),
          model.name() + " (" + set.size() + " layers randomised)")) {
        Similarity similarity = Similarity.mean(original, maps(randomised, explainer, findings));
        out.add(new Step(set.get(0).name(), set.size(), similarity));
      }
    }
    progress.advance(phase, redrawn.size(), redrawn.size());
    return out;
  }

  /** The maps of {@code findings} by the method on {@code model}. */
  static List<Explanation> maps(Model model, Function<Model, Explainer> factory, List<Finding> findings) {
    List<Explanation> out = new ArrayList<>();
    try (Explainer explainer = factory.apply(model)) {
      for (Finding finding : findings) {
        out.add(finding.explain(explainer));
      }
    }
    return out;
  }
}
