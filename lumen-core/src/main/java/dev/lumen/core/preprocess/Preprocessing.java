package dev.lumen.core.preprocess;

import java.util.Arrays;

/**
 * How an image becomes a model input: resizing, value scaling and per-channel normalisation
 * {@code (value - mean[c]) / std[c]}. Which channels the model reads is part of the model's
 * {@link InputSpec}.
 *
 * @param resize how the image is brought to the input size
 * @param shorterSide for {@link Resize#CROP}: the shorter side's length before the centre crop;
 *     0 means the input size (no border is cut along the shorter side)
 * @param scale how pixel values are scaled before normalisation
 * @param mean per-channel mean, one value or one per channel
 * @param std per-channel standard deviation, one value or one per channel
 */
public record Preprocessing(Resize resize, int shorterSide, Scale scale, float[] mean, float[] std) {
  public Preprocessing {
    if (resize == null || scale == null) {
      throw new IllegalArgumentException("resize and scale must be set");
    }
    if (shorterSide < 0) {
      throw new IllegalArgumentException("shorterSide must be >= 0, got " + shorterSide);
    }
    mean = mean.clone();
    std = std.clone();
    if (mean.length == 0 || std.length == 0) {
      throw new IllegalArgumentException("mean and std need at least one value");
    }
    for (float s : std) {
      if (!(s > 0)) {
        throw new IllegalArgumentException("std values must be > 0, got " + Arrays.toString(std));
      }
    }
  }

  /** Values in [0, 1], no normalisation. */
  public static Preprocessing unit() {
    return new Preprocessing(Resize.STRETCH, 0, Scale.UNIT, new float[] {0}, new float[] {1});
  }

  /** Raw 0–255 values. */
  public static Preprocessing raw() {
    return new Preprocessing(Resize.STRETCH, 0, Scale.RAW, new float[] {0}, new float[] {1});
  }

  /** torchvision's ImageNet recipe: [0, 1] values normalised by ImageNet's mean and std. */
  public static Preprocessing imagenet() {
    return new Preprocessing(Resize.STRETCH, 0, Scale.UNIT,
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
  }

  /** Per-volume min–max to [0, 255], no normalisation (add the MRNet mean and std with {@link #withMeanStd}). */
  public static Preprocessing minmax() {
    return new Preprocessing(Resize.STRETCH, 0, Scale.MINMAX, new float[] {0}, new float[] {1});
  }

  /**
   * A preset by name: {@code imagenet}, {@code unit}, {@code raw} or {@code minmax}.
   *
   * @throws IllegalArgumentException for other names
   */
  public static Preprocessing preset(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "imagenet" -> imagenet();
      case "unit" -> unit();
      case "raw" -> raw();
      case "minmax" -> minmax();
      default -> throw new IllegalArgumentException(
          "unknown normalisation preset '" + name + "', expected one of [imagenet, unit, raw, minmax]");
    };
  }

  /** These settings with another resize. */
  public Preprocessing withResize(Resize newResize, int newShorterSide) {
    return new Preprocessing(newResize, newShorterSide, scale, mean, std);
  }

  /** These settings with another mean and std. */
  public Preprocessing withMeanStd(float[] newMean, float[] newStd) {
    return new Preprocessing(resize, shorterSide, scale, newMean, newStd);
  }

  /** The mean for channel {@code c}. */
  public float mean(int c) {
    return mean.length == 1 ? mean[0] : mean[c];
  }

  /** The standard deviation for channel {@code c}. */
  public float std(int c) {
    return std.length == 1 ? std[0] : std[c];
  }

  /**
   * The normalised values of black ({@code [0][c]}) and of white ({@code [1][c]}) in each of
   * {@code channels}: the box every input the model is given lies in.
   */
  public float[][] bounds(int channels) {
    float top = scale == Scale.UNIT ? 1f : 255f;
    float[][] out = new float[2][channels];
    for (int c = 0; c < channels; c++) {
      out[0][c] = (0 - mean(c)) / std(c);
      out[1][c] = (top - mean(c)) / std(c);
    }
    return out;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p && p.resize == resize && p.shorterSide == shorterSide
        && p.scale == scale && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Objects.hash(resize, shorterSide, scale) + Arrays.hashCode(mean) * 7 + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "resize=" + resize.name().toLowerCase() + (shorterSide > 0 ? "(" + shorterSide + ")" : "")
        + " scale=" + scale.name().toLowerCase() + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std);
  }
}
