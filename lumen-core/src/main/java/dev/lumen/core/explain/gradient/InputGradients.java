package dev.lumen.core.explain.gradient;

import dev.lumen.core.autodiff.Propagation;
import dev.lumen.core.explain.Progress;
import dev.lumen.core.model.Model;
import dev.lumen.core.tensor.Tensor;

/**
 * Attributions from one backward pass to the input:
 * <ul>
 *   <li>saliency (Simonyan et al. 2014): the largest {@code |dS/dx|} over colour channels;
 *   <li>input × gradient (Shrikumar et al. 2016): {@code sum_c x * dS/dx};
 *   <li>guided backpropagation (Springenberg et al. 2015) and deconvnet (Zeiler &amp; Fergus
 *       2014): the gradient under those rectifier rules, summed over channels.
 * </ul>
 * Cost: one forward and backward pass per batch for every target together.
 */
public final class InputGradients extends InputAttribution {

  /** Which attribution. */
  public enum Kind {
    SALIENCY("saliency", Propagation.GRADIENT),
    INPUT_X_GRADIENT("inputxgradient", Propagation.GRADIENT),
    GUIDED_BACKPROP("guidedbackprop", Propagation.GUIDED_BACKPROP),
    DECONVNET("deconvnet", Propagation.DECONVNET);

    private final String method;
    private final Propagation propagation;

    Kind(String method, Propagation propagation) {
      this.method = method;
      this.propagation = propagation;
    }

    /** The method's name, as {@code lumen explain --method} takes it. */
    public String method() {
      return method;
    }
  }

  private final Kind kind;

  private InputGradients(Model model, Kind kind) {
    super(model);
    this.kind = kind;
  }

  /** {@code kind} for {@code model}. */
  public static InputGradients of(Model model, Kind kind) {
    return new InputGradients(model, kind);
  }

  @Override
  public String method() {
    return kind.method();
  }

  @Override
  Propagation propagation() {
    return kind.propagation;
  }

  @Override
  boolean maxMagnitude() {
    return kind == Kind.SALIENCY;
  }

  @Override
  Tensor attribution(Tensor input, Pass first, Progress progress) {
    Tensor g = inputGradient(first.outputs());
    return kind == Kind.INPUT_X_GRADIENT ? times(g, input) : g;
  }
}
