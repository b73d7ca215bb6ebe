package dev.lumen.core.autodiff;

/**
 * How a gradient passes back through rectifiers (ReLU and ReLU6); every other operator always
 * passes its exact gradient.
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
  DECONVNET
}
