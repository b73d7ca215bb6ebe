package dev.lumen.core.explain.perturb;

import java.util.Locale;

/** What an occluded region is filled with, in the model's input space (after normalisation). */
public enum Fill {
  /** Zero: for ImageNet-normalised inputs, the dataset's mean colour. */
  ZERO,
  /** The per-channel mean of this input (of this slice, for volumes). */
  MEAN,
  /** The input blurred with a Gaussian of sigma = window / 4: hides detail, keeps brightness. */
  BLUR;

  /**
   * The fill named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the known fills
   */
  public static Fill named(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown fill '" + name + "', expected one of [zero, mean, blur]");
    }
  }
}
