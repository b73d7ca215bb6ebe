package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Composite;
import dev.lumen.core.autodiff.GradientRequest;
import dev.lumen.core.autodiff.RelevanceRule;
import dev.lumen.core.autodiff.Seed;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;
import java.util.Map;

/**
 * Layer-wise relevance propagation (Bach et al. 2015) with zennit's composites: the target's
 * logit, as relevance, is passed down layer by layer under each layer's rule until it reaches the
 * input pixels, where it sums to the logit less what biases and stabilisers absorb. The relevance
 * is compiled into the model's graph as a modified backward pass (one forward and one backward
 * pass per batch for every target together), summed over colour channels into the raw map.
 *
 * <p>The z^B rule's box is the model's input range: black and white of each channel after the
 * model's normalisation.
 */
public final class Lrp extends InputAttribution {

  /**
   * The composite's parameters.
   *
   * @param epsilon the epsilon rule's epsilon
   * @param gamma the gamma rule's gamma
   * @param rules rules that override the composite's: {@code conv}, {@code dense}, {@code first} or
   *     a linear layer's name (its node's or its output's) to a rule's name
   */
  public record Settings(float epsilon, float gamma, Map<String, String> rules) {
    public Settings {
      rules = Map.copyOf(rules);
    }

    /** zennit's parameters, no rule overridden. */
    public static Settings defaults() {
      return new Settings(Composite.EPSILON, Composite.GAMMA, Map.of());
    }
  }

  private final Composite.Kind kind;
  private final Composite composite;

  private Lrp(Model model, Composite.Kind kind, Settings settings) {
    super(model);
    this.kind = kind;
    for (String layer : settings.rules().keySet()) {
      boolean byKind = java.util.List.of("conv", "dense", "first").contains(layer);
      if (!byKind && !Composite.namesLinearLayer(model.graph(), layer)) {
        throw new IllegalArgumentException("an LRP rule names '" + layer + "', which is neither conv, dense, first "
            + "nor a linear layer (Conv, Gemm, MatMul) of " + model.graph().source());
      }
    }
    float[][] bounds = model.preprocessing().bounds(model.input().channels().count());
    RelevanceRule.ZBox box = new RelevanceRule.ZBox(bounds[0], bounds[1]);
    this.composite = Composite.of(kind, settings.epsilon(), settings.gamma(), box)
        .with(settings.rules(), settings.epsilon(), settings.gamma(), box);
  }

  /**
   * LRP under composite {@code kind} with {@code settings} for {@code model}.
   *
   * @throws IllegalArgumentException for a rule's unknown name, or one that names no linear layer of the model
   */
  public static Lrp of(Model model, Composite.Kind kind, Settings settings) {
    return new Lrp(model, kind, settings);
  }

  /** The method name of {@code kind}: {@code lrp-epsilon-gamma-box}. */
  public static String method(Composite.Kind kind) {
    return "lrp-" + kind.id();
  }

  @Override
  public String method() {
    return method(kind);
  }

  /** The rules each layer gets. */
  public Composite composite() {
    return composite;
  }

  @Override
  GradientRequest request(Seed seed) {
    return GradientRequest.relevance(model.logitsName(), wrt(), seed, composite);
  }

  @Override
  Tensor attribution(Tensor input, Pass first, Progress progress) {
    return inputGradient(first.outputs());
  }
}
