package dev.lumen.core.autodiff;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which {@link RelevanceRule} each linear layer of a graph gets in layer-wise relevance
 * propagation, as zennit's composites assign them: one rule for convolutions, one for dense
 * layers (Gemm, MatMul), optionally another for the first linear layer the input reaches, and
 * rules for layers by name that override the rest. Every other operator follows fixed rules (see
 * {@code RelevanceRules}); {@code stabilizer} keeps every division of those rules finite.
 *
 * @param name the composite's name, as zennit spells it
 * @param convolution the rule of convolutions
 * @param dense the rule of dense layers
 * @param first the rule of the first linear layer, when it differs
 * @param layers rules by layer: a node's name or its output tensor's name
 * @param stabilizer the epsilon of {@code z + eps * sign(z)} in the denominators of every rule
 */
public record Composite(String name, RelevanceRule convolution, RelevanceRule dense, Optional<RelevanceRule> first,
                        Map<String, RelevanceRule> layers, float stabilizer) {
  /** zennit's default epsilon and stabiliser. */
  public static final float EPSILON = 1e-6f;
  /** zennit's default gamma. */
  public static final float GAMMA = 0.25f;

  public Composite {
    layers = Map.copyOf(layers);
    if (!(stabilizer > 0)) {
      throw new IllegalArgumentException("the stabiliser must be > 0, got " + stabilizer);
    }
  }

  /** The composites by name, as {@code lumen explain --method lrp-NAME} takes them. */
  public enum Kind {
    /** LRP-epsilon on every linear layer. */
    EPSILON,
    /** z^B on the first layer, gamma on convolutions, epsilon on dense layers (zennit's EpsilonGammaBox). */
    EPSILON_GAMMA_BOX,
    /** z+ on convolutions, epsilon on dense layers. */
    EPSILON_PLUS,
    /** EpsilonPlus with the flat rule on the first layer. */
    EPSILON_PLUS_FLAT,
    /** alpha 2 beta 1 on convolutions, epsilon on dense layers. */
    EPSILON_ALPHA2_BETA1,
    /** EpsilonAlpha2Beta1 with the flat rule on the first layer. */
    EPSILON_ALPHA2_BETA1_FLAT;

    /** The name in method names: {@code epsilon-gamma-box}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The composite {@code kind} with zennit's parameters: {@code epsilon} for the epsilon rule,
   * {@code gamma} for the gamma rule, {@code box} for z^B (the bounds of the model's input).
   */
  public static Composite of(Kind kind, float epsilon, float gamma, RelevanceRule.ZBox box) {
    RelevanceRule eps = new RelevanceRule.Epsilon(epsilon);
    RelevanceRule plus = new RelevanceRule.AlphaBeta(1, 0);
    RelevanceRule alphaBeta = new RelevanceRule.AlphaBeta(2, 1);
    RelevanceRule flat = new RelevanceRule.Flat();
    return switch (kind) {
      case EPSILON -> new Composite("Epsilon", eps, eps, Optional.empty(), Map.of(), EPSILON);
      case EPSILON_GAMMA_BOX -> new Composite("EpsilonGammaBox", new RelevanceRule.Gamma(gamma), eps,
          Optional.of(box), Map.of(), EPSILON);
      case EPSILON_PLUS -> new Composite("EpsilonPlus", plus, eps, Optional.empty(), Map.of(), EPSILON);
      case EPSILON_PLUS_FLAT -> new Composite("EpsilonPlusFlat", plus, eps, Optional.of(flat), Map.of(), EPSILON);
      case EPSILON_ALPHA2_BETA1 -> new Composite("EpsilonAlpha2Beta1", alphaBeta, eps, Optional.empty(), Map.of(),
          EPSILON);
      case EPSILON_ALPHA2_BETA1_FLAT -> new Composite("EpsilonAlpha2Beta1Flat", alphaBeta, eps, Optional.of(flat),
          Map.of(), EPSILON);
    };
  }

  /**
   * This composite with rules given as {@code KEY=RULE}: the key {@code conv}, {@code dense},
   * {@code first} or a layer's name, the rule's name as {@link RelevanceRule#named} takes it.
   */
  public Composite with(Map<String, String> rules, float epsilon, float gamma, RelevanceRule.ZBox box) {
    RelevanceRule conv = convolution;
    RelevanceRule lin = dense;
    Optional<RelevanceRule> firstRule = first;
    Map<String, RelevanceRule> named = new LinkedHashMap<>(layers);
    for (Map.Entry<String, String> e : rules.entrySet()) {
      RelevanceRule rule = RelevanceRule.named(e.getValue(), epsilon, gamma, box);
      switch (e.getKey()) {
        case "conv" -> conv = rule;
        case "dense" -> lin = rule;
        case "first" -> firstRule = Optional.of(rule);
        default -> named.put(e.getKey(), rule);
      }
    }
    return new Composite(rules.isEmpty() ? name : name + "+rules", conv, lin, firstRule, named, stabilizer);
  }

  /** The rule of a linear layer: by name first, then the first layer's, then by its kind. */
  RelevanceRule ruleFor(String node, String output, boolean isFirst, boolean isConvolution) {
    RelevanceRule byName = layers.containsKey(node) ? layers.get(node) : layers.get(output);
    if (byName != null) {
      return byName;
    }
    if (isFirst && first.isPresent()) {
      return first.get();
    }
    return isConvolution ? convolution : dense;
  }

  /** Whether {@code layer} names a linear layer of {@code graph} (its node or its output), as rules by name must. */
  public static boolean namesLinearLayer(dev.lumen.core.onnx.OnnxGraph graph, String layer) {
    return graph.nodes().stream().anyMatch(n -> RelevanceRules.LINEAR.contains(n.opType())
        && (n.name().equals(layer) || n.output().equals(layer)));
  }

  /** A key that tells compiled variants apart. */
  public String key() {
    StringBuilder k = new StringBuilder(name).append("[conv=").append(convolution.describe()).append(",dense=")
        .append(dense.describe());
    first.ifPresent(f -> k.append(",first=").append(f.describe()));
    new TreeMap<>(layers).forEach((layer, rule) -> k.append(",").append(layer).append("=").append(rule.describe()));
    return k.append(",stabilizer=").append(stabilizer).append("]").toString();
  }
}
