package dev.lumen.core.autodiff;

import java.util.Arrays;
import java.util.Locale;

/**
 * How layer-wise relevance propagation (Bach et al. 2015) passes a linear layer's output
 * relevance {@code R} to its input, for a layer {@code z = W x + b} (a convolution, Gemm or
 * MatMul). Each rule is zennit's formulation; {@code s(z)} is {@code z + eps * sign(z)} with
 * {@code sign(0) = 1} and {@code eps} the composite's stabiliser.
 */
public sealed interface RelevanceRule {

  /** A short name that tells the rule and its parameters apart (compiled graphs are keyed by it). */
  String describe();

  /**
   * LRP-epsilon: {@code R_in = x * W^T (R / (z + epsilon * sign(z)))}; LRP-0 with epsilon 0 (then
   * only the stabiliser keeps the division finite).
   */
  record Epsilon(float epsilon) implements RelevanceRule {
    public Epsilon {
      if (!(epsilon >= 0) || Float.isInfinite(epsilon)) {
        throw new IllegalArgumentException("the epsilon rule's epsilon must be >= 0 and finite, got " + epsilon);
      }
    }

    @Override
    public String describe() {
      return "epsilon(" + epsilon + ")";
    }
  }

  /**
   * The generalised gamma rule (Montavon et al. 2019; Andéol et al. 2021): where {@code z > 0}
   * relevance follows {@code (w + gamma w+) x+ + (w + gamma w-) x-}, where {@code z < 0}
   * {@code (w + gamma w-) x+ + (w + gamma w+) x-}; the bias takes part as {@code b + gamma b+}
   * (and {@code b + gamma b-}).
   */
  record Gamma(float gamma) implements RelevanceRule {
    public Gamma {
      if (!(gamma >= 0) || Float.isInfinite(gamma)) {
        throw new IllegalArgumentException("the gamma rule's gamma must be >= 0 and finite, got " + gamma);
      }
    }

    @Override
    public String describe() {
      return "gamma(" + gamma + ")";
    }
  }

  /**
   * The alpha-beta rule: {@code alpha} times the relevance of the positive contributions
   * ({@code w+ x+ + w- x-}, with {@code b+}) minus {@code beta} times that of the negative ones
   * ({@code w- x+ + w+ x-}, with {@code b-}); {@code alpha - beta = 1}. Alpha 1, beta 0 is z+.
   */
  record AlphaBeta(float alpha, float beta) implements RelevanceRule {
    public AlphaBeta {
      if (!(alpha >= 0) || !(beta >= 0) || alpha - beta != 1f) {
        throw new IllegalArgumentException("the alpha-beta rule needs alpha >= 0, beta >= 0 and alpha - beta = 1, got alpha "
            + alpha + ", beta " + beta);
      }
    }

    @Override
    public String describe() {
      return "alphabeta(" + alpha + "," + beta + ")";
    }
  }

  /**
   * The z^B rule for a first layer whose input lies in a box (Montavon et al. 2017):
   * {@code R_in = x * W^T g - l * W+^T g - h * W-^T g} with {@code g = R / (z - (W+ l + b+) - (W- h + b-))},
   * where {@code l} and {@code h} are the lowest and highest input value of each channel.
   */
  record ZBox(float[] low, float[] high) implements RelevanceRule {
    public ZBox {
      if (low.length == 0 || low.length != high.length) {
        throw new IllegalArgumentException("the z^B rule needs as many lower as upper bounds, one per channel or one for all");
      }
      for (int c = 0; c < low.length; c++) {
        if (!(low[c] < high[c])) {
          throw new IllegalArgumentException("the z^B rule needs low < high, got " + low[c] + " and " + high[c]);
        }
      }
      low = low.clone();
      high = high.clone();
    }

    @Override
    public float[] low() {
      return low.clone();
    }

    @Override
    public float[] high() {
      return high.clone();
    }

    @Override
    public String describe() {
      return "zbox(" + Arrays.toString(low) + "," + Arrays.toString(high) + ")";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ZBox z && Arrays.equals(z.low, low) && Arrays.equals(z.high, high);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(low) + Arrays.hashCode(high);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /**
   * The w² rule for an input layer with unbounded input (Montavon et al. 2017): relevance spreads
   * in proportion to the squared weights, {@code R_in = (W^2)^T (R / s(W^2 1 + b^2))}, whatever the input.
   */
  record WSquare() implements RelevanceRule {
    @Override
    public String describe() {
      return "wsquare";
    }
  }

  /** The flat rule (Lapuschkin et al. 2019): w² with every weight 1 and no bias, spreading relevance evenly over the receptive field. */
  record Flat() implements RelevanceRule {
    @Override
    public String describe() {
      return "flat";
    }
  }

  /**
   * A rule by name: {@code epsilon}, {@code zero} (LRP-0), {@code gamma}, {@code zplus},
   * {@code alpha1beta0}, {@code alpha2beta1}, {@code zbox} (with the bounds of {@code box}),
   * {@code wsquare}, {@code flat}.
   *
   * @throws IllegalArgumentException naming the rules there are
   */
  public static RelevanceRule named(String name, float epsilon, float gamma, ZBox box) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "epsilon" -> new Epsilon(epsilon);
      case "zero" -> new Epsilon(0);
      case "gamma" -> new Gamma(gamma);
      case "zplus", "alpha1beta0" -> new AlphaBeta(1, 0);
      case "alpha2beta1" -> new AlphaBeta(2, 1);
      case "zbox" -> box;
      case "wsquare" -> new WSquare();
      case "flat" -> new Flat();
      default -> throw new IllegalArgumentException("unknown LRP rule '" + name
          + "'; expected one of [epsilon, zero, gamma, zplus, alpha1beta0, alpha2beta1, zbox, wsquare, flat]");
    };
  }
}
