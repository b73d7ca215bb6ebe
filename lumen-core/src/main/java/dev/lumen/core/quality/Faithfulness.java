package dev.lumen.core.quality;

import dev.lumen.core.explain.perturb.GaussianBlur;
import dev.lumen.core.image.Image;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletion and insertion (Petsiuk, Das &amp; Saenko, "RISE", BMVC 2018): the study's pixels are
 * taken in decreasing order of the map and, in {@code steps} equal steps, removed from the study
 * (deletion: replaced by a substrate) or revealed on a blurred copy of it (insertion); the
 * target's probability after each step draws a curve over the fraction of pixels changed, and
 * the area under it (trapezoids over [0, 1]) scores the map: a faithful map makes the
 * probability fall fast under deletion (a small area) and rise fast under insertion (a large
 * one). The pixels are the study's own (the map is in its geometry); the copies are scored by a
 * {@link CopyScorer}: through an image model's preprocessing and batched inference like any
 * study, or as one slice of an exam.
 */
public final class Faithfulness {
  /** What deleted pixels become. */
  public enum Substrate {
    /** Zero: black, as in the paper. */
    ZERO,
    /** The study's mean value per channel. */
    MEAN
  }

  /**
   * The curve's settings.
   *
   * @param steps how many equal steps take every pixel (at least 1)
   * @param substrate what deletion puts in place of a pixel
   * @param blurSigma the insertion canvas' Gaussian blur, in pixels of the study (0: the paper's 5
   *     pixels at 224, scaled to the study's longer side)
   */
  public record Settings(int steps, Substrate substrate, double blurSigma) {
    public Settings {
      if (steps < 1) {
        throw new IllegalArgumentException("deletion and insertion need at least one step, got " + steps);
      }
      if (!(blurSigma >= 0) || Double.isInfinite(blurSigma)) {
        throw new IllegalArgumentException("the insertion blur must be finite and at least 0, got " + blurSigma);
      }
    }

    /** 20 steps, a zero substrate, the paper's blur. */
    public static Settings defaults() {
      return new Settings(20, Substrate.ZERO, 0);
    }
  }

  private Faithfulness() {}

  /** The deletion curve of {@code heat} (the map of {@code label} on {@code image}, in its geometry). */
  public static PerturbationCurve deletion(CopyScorer scorer, Image image, int label, float[] heat, Settings settings) {
    float[] canvas = image.pixels().toArray();
    float[] substrate = substrate(image, settings.substrate());
    return curve(scorer, image, label, heat, settings.steps(), canvas, substrate);
  }

  /** The insertion curve of {@code heat}: from the blurred study, the map's pixels revealed first. */
  public static PerturbationCurve insertion(CopyScorer scorer, Image image, int label, float[] heat,
      Settings settings) {
    double sigma = settings.blurSigma() > 0 ? settings.blurSigma()
        : 5.0 * Math.max(image.width(), image.height()) / 224;
    float[] blurred = blurred(image, sigma);
    return curve(scorer, image, label, heat, settings.steps(), blurred, image.pixels().toArray());
  }

  /**
   * The curve from {@code start}, each step copying the next pixels (in the map's order) from
   * {@code target}: deletion starts from the study and copies the substrate; insertion the reverse.
   */
  private static PerturbationCurve curve(CopyScorer scorer, Image image, int label, float[] heat, int steps,
      float[] start, float[] target) {
    int[] order = RelevanceOrder.decreasing(heat, image);
    int plane = order.length;
    List<Image> copies = new ArrayList<>();
    float[] current = start.clone();
    int done = 0;
    copies.add(image.withValues(current.clone()));
    for (int step = 1; step <= steps; step++) {
      int until = (int) Math.round((double) plane * step / steps);
      for (; done < until; done++) {
        for (int c = 0; c < image.channels(); c++) {
          int i = c * plane + order[done];
          current[i] = target[i];
        }
      }
      copies.add(image.withValues(current.clone()));
    }
    double[] fractions = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      fractions[k] = (double) k / steps;
    }
    return new PerturbationCurve(fractions, scorer.probabilities(copies, label));
  }

  private static float[] substrate(Image image, Substrate substrate) {
    float[] px = image.pixels().unsafeData();
    float[] out = new float[px.length];
    if (substrate == Substrate.MEAN) {
      int plane = image.width() * image.height();
      for (int c = 0; c < image.channels(); c++) {
        double sum = 0;
        for (int p = 0; p < plane; p++) {
          sum += px[c * plane + p];
        }
        java.util.Arrays.fill(out, c * plane, (c + 1) * plane, (float) (sum / plane));
      }
    }
    return out;
  }

  private static float[] blurred(Image image, double sigma) {
    int plane = image.width() * image.height();
    float[] px = image.pixels().unsafeData();
    float[] out = new float[px.length];
    for (int c = 0; c < image.channels(); c++) {
      float[] channel = java.util.Arrays.copyOfRange(px, c * plane, (c + 1) * plane);
      System.arraycopy(GaussianBlur.apply(channel, image.width(), image.height(), sigma), 0, out, c * plane, plane);
    }
    return out;
  }
}
