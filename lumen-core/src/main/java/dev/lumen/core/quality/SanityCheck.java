package dev.lumen.core.quality;

import dev.lumen.core.explain.Explainer;
import dev.lumen.core.explain.Explanation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.explain.Targets;
import dev.lumen.core.image.Image;
import dev.lumen.core.model.Model;
import dev.lumen.core.onnx.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The cascading model-parameter randomisation test (Adebayo et al., NeurIPS 2018): the learned
 * layers are re-drawn from the top (the output side) down, one more at each step
 * ({@link ParameterRandomisation}); at each step every study's map of its target is made again
 * by the method on the randomised model and compared with the original model's map: Spearman's
 * rank correlation of the raw maps (at the method's resolution, signed, and of their absolute
 * values), and SSIM of the heat maps (normalised, in the study's geometry). A method that explains the model shows falling
 * similarities as more of the model is lost; one whose maps stay alike (guided backprop, in the
 * paper) shows the input more than the model.
 */
public final class SanityCheck {
  /**
   * One step of the cascade: the layer re-drawn last (every layer above it is re-drawn too), how
   * many are, and the mean similarities of the maps over the studies.
   */
  public record Step(String layer, int randomised, double spearmanOfAbsolute, double spearman, double ssim) {}

  private SanityCheck() {}

  /**
   * The cascade over the top {@code depth} learned layers of {@code model} (all of them when
   * {@code depth} is 0 or more than there are), the maps of {@code targets[i]} on
   * {@code images[i]} made by {@code explainer} for each model.
   *
   * @throws IllegalArgumentException for a model without learned layers, or images and targets that differ in number
   */
  public static List<Step> cascading(Model model, Function<Model, Explainer> explainer, List<Image> images,
      List<Integer> targets, int depth, long seed, Progress progress) {
    if (images.size() != targets.size() || images.isEmpty()) {
      throw new IllegalArgumentException("the sanity check needs one target per study, got " + targets.size()
          + " for " + images.size());
    }
    List<Node> layers = ParameterRandomisation.layers(model.graph());
    if (layers.isEmpty()) {
      throw new IllegalArgumentException(model.name() + " has no learned layers (convolutions or dense layers with "
          + "constant weights) to randomise");
    }
    int steps = depth <= 0 ? layers.size() : Math.min(depth, layers.size());
    List<Explanation> original = maps(model, explainer, images, targets);
    List<Step> out = new ArrayList<>();
    for (int k = 1; k <= steps; k++) {
      progress.advance("sanity check layers", k - 1, steps);
      List<Node> top = layers.subList(layers.size() - k, layers.size());
      try (Model randomised = model.withGraph(ParameterRandomisation.randomised(model.graph(), top, seed),
          model.name() + " (top " + k + " layers randomised)")) {
        List<Explanation> maps = maps(randomised, explainer, images, targets);
        double rankAbs = 0;
        double rank = 0;
        double ssim = 0;
        for (int i = 0; i < images.size(); i++) {
          float[] a = original.get(i).raw().unsafeData();
          float[] b = maps.get(i).raw().unsafeData();
          rankAbs += MapSimilarity.spearmanOfAbsolute(a, b);
          rank += MapSimilarity.spearman(a, b);
          ssim += MapSimilarity.ssim(original.get(i).heatmap(0).unsafeData(), maps.get(i).heatmap(0).unsafeData(),
              images.get(i).width());
        }
        int n = images.size();
        out.add(new Step(top.get(0).name(), k, rankAbs / n, rank / n, ssim / n));
      }
    }
    progress.advance("sanity check layers", steps, steps);
    return out;
  }

  private static List<Explanation> maps(Model model, Function<Model, Explainer> factory, List<Image> images,
      List<Integer> targets) {
    List<Explanation> out = new ArrayList<>();
    try (Explainer explainer = factory.apply(model)) {
      for (int i = 0; i < images.size(); i++) {
        out.add(explainer.explain(images.get(i), Targets.labels(List.of(String.valueOf(targets.get(i))))).get(0));
      }
    }
    return out;
  }
}
