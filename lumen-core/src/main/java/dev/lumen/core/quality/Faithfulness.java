package dev.lumen.core.quality;

import dev.lumen.core.explain.perturb.GaussianBlur;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Deletion and insertion (Petsiuk, Das &amp; Saenko, "RISE", BMVC 2018): the study's pixels are
 * taken in decreasing order of the map and, in {@code steps} equal steps, removed from the study
 * (deletion: replaced by a substrate) or revealed on a blurred copy of it (insertion); the
 * target's probability after each step draws a curve over the fraction of pixels changed, and
 * the area under it (trapezoids over [0, 1]) scores the map: a faithful map makes the
 * probability fall fast under deletion (a small area) and rise fast under insertion (a large
 * one). The pixels are the study's own (the map is in its geometry), and of a 3D model's volume
 * every voxel in one order, the blur running along all three axes; the copies are scored by a
 * {@link CopyScorer}: through an image model's preprocessing and batched inference like any
 * study, as one slice of an exam, or as a whole volume.
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

  /** The deletion curve of {@code heat} (the map of {@code label} on {@code study}, in its geometry). */
  public static PerturbationCurve deletion(CopyScorer scorer, Voxels study, int label, float[] heat,
      Settings settings) {
    return curve(scorer, study, label, heat, settings.steps(), study.values(), substrate(study, settings.substrate()));
  }

  /** The insertion curve of {@code heat}: from the blurred study, the map's voxels revealed first. */
  public static PerturbationCurve insertion(CopyScorer scorer, Voxels study, int label, float[] heat,
      Settings settings) {
    double sigma = settings.blurSigma() > 0 ? settings.blurSigma() : 5.0 * study.longestSide() / 224;
    return curve(scorer, study, label, heat, settings.steps(), blurred(study, sigma), study.values());
  }

  /**
   * The curve from {@code start}, each step copying the next voxels (in the map's order) from
   * {@code target}: deletion starts from the study and copies the substrate; insertion the reverse.
   */
  private static PerturbationCurve curve(CopyScorer scorer, Voxels study, int label, float[] heat, int steps,
      float[] start, float[] target) {
    int[] order = RelevanceOrder.decreasing(heat, study);
    int size = order.length;
    List<float[]> copies = new ArrayList<>();
    float[] current = start.clone();
    int done = 0;
    copies.add(current.clone());
    for (int step = 1; step <= steps; step++) {
      int until = (int) Math.round((double) size * step / steps);
      for (; done < until; done++) {
        for (int c = 0; c < study.channels(); c++) {
          int i = c * size + order[done];
          current[i] = target[i];
        }
      }
      copies.add(current.clone());
    }
    double[] fractions = new double[steps + 1];
    for (int k = 0; k <= steps; k++) {
      fractions[k] = (double) k / steps;
    }
    return new PerturbationCurve(fractions, scorer.probabilities(copies, label));
  }

  private static float[] substrate(Voxels study, Substrate substrate) {
    float[] px = study.values();
    float[] out = new float[px.length];
    if (substrate == Substrate.MEAN) {
      int size = study.size();
      for (int c = 0; c < study.channels(); c++) {
        double sum = 0;
        for (int p = 0; p < size; p++) {
          sum += px[c * size + p];
        }
        Arrays.fill(out, c * size, (c + 1) * size, (float) (sum / size));
      }
    }
    return out;
  }

  /** Each channel blurred along every axis of the grid (a volume's slices into each other too). */
  private static float[] blurred(Voxels study, double sigma) {
    int size = study.size();
    float[] px = study.values();
    float[] out = new float[px.length];
    for (int c = 0; c < study.channels(); c++) {
      float[] channel = Arrays.copyOfRange(px, c * size, (c + 1) * size);
      System.arraycopy(GaussianBlur.apply(channel, study.width(), study.height(), study.depth(), sigma), 0, out,
          c * size, size);
    }
    return out;
  }
}
