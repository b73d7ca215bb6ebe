package dev.lumen.core.preprocess;

import dev.lumen.core.image.Image;
import dev.lumen.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns images into model input tensors following a {@link Preprocessing} and an
 * {@link InputSpec}, and records the {@link Geometry} that lets maps go back to the image.
 */
public final class Preprocessor {
  private final Preprocessing preprocessing;
  private final InputSpec spec;

  /** A preprocessor for inputs of {@code spec}. */
  public Preprocessor(Preprocessing preprocessing, InputSpec spec) {
    this.preprocessing = preprocessing;
    this.spec = spec;
  }

  /**
   * A batch of {@code images} (or the slices of one exam) as the model input; for a volumetric
   * model the exam's slices resampled linearly to its depth, as one {@code [1, C, D, H, W]} input.
   */
  public Tensor toInput(List<Image> images) {
    float[] range = preprocessing.scale() == Scale.MINMAX ? range(images) : null;
    List<Tensor> planes = new ArrayList<>();
    for (Image image : images) {
      planes.add(toPlanes(image, range));
    }
    Tensor batch = Tensor.stack(planes);
    if (spec.volumetric()) {
      return DepthAxis.second(DepthResample.to(batch, spec.depthFor(images.size())));
    }
    if (spec.layout() == Layout.NHWC) {
      batch = toNhwc(batch);
    }
    return batch.reshape(spec.shape(images.size()));
  }

  /** Where the input pixels of {@code image} come from. */
  public Geometry geometry(Image image) {
    int w = image.width();
    int h = image.height();
    int inW = spec.width();
    int inH = spec.height();
    if (preprocessing.resize() == Resize.STRETCH) {
      return new Geometry(w, h, inW, inH, 0, 0, inW, inH);
    }
    int shorter = preprocessing.shorterSide() > 0 ? preprocessing.shorterSide() : Math.max(inW, inH);
    double factor = Math.max((double) shorter / Math.min(w, h),
        Math.max((double) inW / w, (double) inH / h));
    int rw = Math.max(inW, (int) Math.round(w * factor));
    int rh = Math.max(inH, (int) Math.round(h * factor));
    return new Geometry(w, h, rw, rh, (rw - inW) / 2, (rh - inH) / 2, inW, inH);
  }

  /** One image as normalised {@code [channels, height, width]} values. */
  private Tensor toPlanes(Image image, float[] range) {
    Geometry g = geometry(image);
    float[][] colour = channels(image);
    int plane = spec.width() * spec.height();
    float[] out = new float[colour.length * plane];
    for (int c = 0; c < colour.length; c++) {
      float[] resized = Bilinear.resample(colour[c], image.width(), image.height(), spec.width(),
          spec.height(), g.inputToSourceX(), g.inputToSourceY());
      float mean = preprocessing.mean(c);
      float std = preprocessing.std(c);
      for (int i = 0; i < plane; i++) {
        out[c * plane + i] = (scale(resized[i], image.maxValue(), range) - mean) / std;
      }
    }
    return Tensor.of(out, colour.length, spec.height(), spec.width());
  }

  private float scale(float v, float maxValue, float[] range) {
    return switch (preprocessing.scale()) {
      case UNIT -> v / maxValue;
      case RAW -> v * 255f / maxValue;
      case MINMAX -> range[1] > range[0] ? (v - range[0]) / (range[1] - range[0]) * 255f : 0f;
    };
  }

  /** The image's planes in the model's channel order. */
  private float[][] channels(Image image) {
    float[] px = image.pixels().unsafeData();
    int n = image.width() * image.height();
    float[][] rgb = new float[3][];
    for (int c = 0; c < 3; c++) {
      rgb[c] = image.isGray() ? slice(px, 0, n) : slice(px, c * n, n);
    }
    return switch (spec.channels()) {
      case RGB -> rgb;
      case BGR -> new float[][] {rgb[2], rgb[1], rgb[0]};
      case GRAYSCALE -> image.isGray() ? new float[][] {rgb[0]} : new float[][] {luma(rgb)};
    };
  }

  private static float[] slice(float[] a, int from, int n) {
    float[] out = new float[n];
    System.arraycopy(a, from, out, 0, n);
    return out;
  }

  private static float[] luma(float[][] rgb) {
    float[] out = new float[rgb[0].length];
    for (int i = 0; i < out.length; i++) {
      out[i] = 0.299f * rgb[0][i] + 0.587f * rgb[1][i] + 0.114f * rgb[2][i];
    }
    return out;
  }

  private static float[] range(List<Image> images) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (Image image : images) {
      for (float v : image.pixels().unsafeData()) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    return new float[] {lo, hi};
  }

  private static Tensor toNhwc(Tensor nchw) {
    int n = nchw.dim(0);
    int c = nchw.dim(1);
    int h = nchw.dim(2);
    int w = nchw.dim(3);
    float[] src = nchw.unsafeData();
    float[] out = new float[src.length];
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int i = 0; i < h * w; i++) {
          out[(b * h * w + i) * c + ch] = src[(b * c + ch) * h * w + i];
        }
      }
    }
    return Tensor.of(out, n, h, w, c);
  }
}
