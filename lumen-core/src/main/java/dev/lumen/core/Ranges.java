package dev.lumen.core;

/** Checks of numeric settings, with messages that name the setting, the value and the range. */
public final class Ranges {
  private Ranges() {}

  /**
   * Fails unless {@code value} lies in [0, 1] (NaN does not).
   *
   * @throws IllegalArgumentException naming {@code name}, the value and the range
   */
  public static void requireUnit(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
    }
  }

  /**
   * Fails unless {@code value} is at least {@code min}.
   *
   * @throws IllegalArgumentException naming {@code name}, the value and the bound
   */
  public static void requireAtLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
  }
}
