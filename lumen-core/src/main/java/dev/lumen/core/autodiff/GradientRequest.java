package dev.lumen.core.autodiff;

import java.util.List;
import java.util.Optional;

/**
 * What to differentiate: the seeded rows of {@code score} with respect to each tensor of
 * {@code wrt} (a layer's activation, the model input, or several), under {@code propagation};
 * or, with a {@code relevance} composite, what layer-wise relevance propagation gives each of
 * those tensors instead of a gradient.
 *
 * @param score the tensor seed rows weight, usually the logits ({@code [N, classes]})
 * @param wrt the tensors whose gradients the compiled graph outputs
 * @param seed which rows: given at run time, or each item's top k
 * @param propagation the rule at rectifiers
 * @param relevance the LRP rules; the seed rows then carry the score's own value as relevance
 */
public record GradientRequest(String score, List<String> wrt, Seed seed, Propagation propagation,
                              Optional<Composite> relevance) {
  public GradientRequest {
    wrt = List.copyOf(wrt);
    if (wrt.isEmpty()) {
      throw new IllegalArgumentException("name at least one tensor to differentiate with respect to");
    }
  }

  /** A gradient request. */
  public GradientRequest(String score, List<String> wrt, Seed seed, Propagation propagation) {
    this(score, wrt, seed, propagation, Optional.empty());
  }

  /** A request for relevance under {@code composite}. */
  public static GradientRequest relevance(String score, List<String> wrt, Seed seed, Composite composite) {
    return new GradientRequest(score, wrt, seed, Propagation.GRADIENT, Optional.of(composite));
  }

  /** A key that tells compiled variants apart. */
  public String key() {
    return score + "|" + String.join(",", wrt) + "|" + seed + "|" + propagation
        + relevance.map(c -> "|" + c.key()).orElse("");
  }
}
