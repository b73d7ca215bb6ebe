package dev.lumen.core.explain.gradient;

import dev.lumen.core.explain.perturb.GaussianBlur;
import dev.lumen.core.model.Model;
import dev.lumen.core.preprocess.InputSpec;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.tensor.Tensor;
import java.util.Locale;

/**
 * A reference input that attributions are differences from: where integrated gradients' path
 * starts, what DeepLIFT compares every layer with, what GradientSHAP draws from. Made in the
 * model's input space for images, exams and 3D volumes alike.
 */
public enum Baseline {
  /** The all-zero model input: the training mean under mean/std normalisation. */
  ZERO,
  /** A black study: each channel's normalised value of black. */
  BLACK,
  /**
   * The input blurred in every image plane by a Gaussian of sigma a tenth of the plane's smaller
   * side: its brightness and large shapes without its detail (Sturmfels et al., Distill 2020).
   */
  BLUR;

  /** The blur's sigma as a fraction of an image plane's smaller side. */
  static final double BLUR_FRACTION = 0.1;

  /**
   * The baseline named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the known baselines
   */
  public static Baseline named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown baseline '" + name + "', expected one of [zero, black, blur]");
    }
  }

  /** The name {@link #named} takes. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** This baseline for {@code input} (a batch, an exam or a volume as the model takes it), shaped as it is. */
  public Tensor of(Model model, Tensor input) {
    InputSpec spec = model.input();
    int channels = spec.channels().count();
    int plane = spec.width() * spec.height();
    boolean nhwc = spec.layout() == Layout.NHWC;
    float[] x = input.unsafeData();
    float[] out = new float[x.length];
    switch (this) {
      case ZERO -> { }
      case BLACK -> {
        float[] black = model.preprocessing().bounds(channels)[0];
        // channels-first inputs hold every channel's planes (its depth's, for 3D) together
        long spatial = x.length / input.dim(0) / channels;
        for (int i = 0; i < out.length; i++) {
          out[i] = black[(int) (nhwc ? i % channels : (i / spatial) % channels)];
        }
      }
      case BLUR -> {
        double sigma = BLUR_FRACTION * Math.min(spec.width(), spec.height());
        float[] values = new float[plane];
        for (int p0 = 0; p0 < x.length / plane; p0++) {
          // plane p0: a contiguous plane channels-first, one channel of one image channels-last
          int block = p0 / channels;
          int c = p0 % channels;
          for (int p = 0; p < plane; p++) {
            values[p] = x[nhwc ? (block * plane + p) * channels + c : p0 * plane + p];
          }
          float[] blurred = GaussianBlur.apply(values, spec.width(), spec.height(), sigma);
          for (int p = 0; p < plane; p++) {
            out[nhwc ? (block * plane + p) * channels + c : p0 * plane + p] = blurred[p];
          }
        }
      }
      default -> throw new IllegalStateException(name());
    }
    return Tensor.of(out, input.shape());
  }
}
