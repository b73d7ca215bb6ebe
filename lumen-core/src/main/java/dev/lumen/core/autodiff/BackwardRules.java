package dev.lumen.core.autodiff;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The backward rule of every operator Lumen differentiates, by ONNX operator name. */
final class BackwardRules {
  private static final Map<String, BackwardRule> RULES = build();

  private BackwardRules() {}

  /** The rule for {@code opType}, if Lumen has one. */
  static Optional<BackwardRule> of(String opType) {
    return Optional.ofNullable(RULES.get(opType));
  }

  private static Map<String, BackwardRule> build() {
    Map<String, BackwardRule> rules = new HashMap<>();
    ActivationRules.register(rules);
    ArithmeticRules.register(rules);
    LinearRules.register(rules);
    ConvolutionRules.register(rules);
    PoolingRules.register(rules);
    ReductionRules.register(rules);
    StructureRules.register(rules);
    for (String op : new String[] {"Shape", "Size", "Constant", "ConstantOfShape", "Range", "ArgMax", "ArgMin",
        "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And", "Or", "NonZero", "Floor",
        "Ceil", "Round", "Sign", "EyeLike", "RandomNormalLike", "RandomUniformLike"}) {
      rules.put(op, BackwardRule.none());
    }
    return Map.copyOf(rules);
  }
}
