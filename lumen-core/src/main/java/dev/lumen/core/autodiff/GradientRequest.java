package dev.lumen.core.autodiff;

import java.util.List;

/**
 * What to differentiate: the seeded rows of {@code score} with respect to each tensor of
 * {@code wrt} (a layer's activation, the model input, or several), under {@code propagation}.
 *
 * @param score the tensor seed rows weight, usually the logits ({@code [N, classes]})
 * @param wrt the tensors whose gradients the compiled graph outputs
 * @param seed which rows: given at run time, or each item's top k
 * @param propagation the rule at rectifiers
 */
public record GradientRequest(String score, List<String> wrt, Seed seed, Propagation propagation) {
  public GradientRequest {
    wrt = List.copyOf(wrt);
    if (wrt.isEmpty()) {
      throw new IllegalArgumentException("name at least one tensor to differentiate with respect to");
    }
  }

  /** A key that tells compiled variants apart. */
  public String key() {
    return score + "|" + String.join(",", wrt) + "|" + seed + "|" + propagation;
  }
}
