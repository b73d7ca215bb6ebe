package dev.lumen.core.autodiff;

/**
 * How a gradient passes back through rectifiers (ReLU and ReLU6); every other operator always
 * passes its exact gradient, except under DeepLIFT.
 */
public enum Propagation {
  /** The exact gradient: pass where the rectifier's input is in its active range. */
  GRADIENT,
  /**
   * Guided backpropagation (Springenberg et al. 2015): pass only positive gradient, and only
   * where the rectifier's input is in its active range.
   */
  GUIDED_BACKPROP,
  /** Deconvnet (Zeiler &amp; Fergus 2014): pass the positive part of the gradient, whatever the input. */
  DECONVNET,
  /**
   * DeepLIFT's multipliers with the rescale rule ({@link DeepLiftRules}) against a reference
   * input fed as {@link Autodiff#referenceOf} of each differentiated graph input: the
   * "gradients" are multipliers, which times {@code x - reference} add up to the score's
   * difference.
   */
  DEEPLIFT_RESCALE
}
