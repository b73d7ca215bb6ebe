package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import dev.lumen.core.image.Image;
import dev.lumen.core.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A DICOM file's frames as the images a model takes, the way a viewer shows them: one-sample
 * images through the VOI window (the file's first Window Center/Width, else a robust window over
 * the 0.5th to 99.5th percentile of the values) onto 0–255, MONOCHROME1 inverted so that dense
 * is bright; colour images as RGB (YBR_FULL converted as PS3.3 C.7.6.3.1.2 defines it).
 */
public final class DicomImages {
  /**
   * The VOI window used: centre and width in the file's (rescaled) values, and where they came from.
   *
   * @param centre the window centre
   * @param width the window width
   * @param source {@code file}, {@code automatic} or {@code given}
   */
  public record Window(double centre, double width, String source) {
    /**
     * The window a user gives as {@code C,W}.
     *
     * @throws IllegalArgumentException unless it is two numbers, the width at least 1
     */
    public static Window given(String text) {
      String[] parts = text.split(",");
      try {
        if (parts.length == 2) {
          double c = Double.parseDouble(parts[0].trim());
          double w = Double.parseDouble(parts[1].trim());
          if (Double.isFinite(c) && Double.isFinite(w) && w >= 1) {
            return new Window(c, w, "given");
          }
        }
      } catch (NumberFormatException e) {
        // said below
      }
      throw new IllegalArgumentException("--voi takes CENTRE,WIDTH in the file's (rescaled) values, the width at "
          + "least 1, e.g. 40,400; got " + text);
    }
  }

  /**
   * The frames of a file and the window they were shown through (null for colour).
   *
   * @param frames one image per frame, values 0–255
   * @param window the window, or null for colour images
   */
  public record Frames(List<Image> frames, Window window) {}

  private DicomImages() {}

  /**
   * Reads {@code file} and turns its frames into images through its own (or a robust) window.
   *
   * @throws LumenException as {@link DicomParser#read} and {@link DicomPixels#of} do
   */
  public static Frames read(Path file) {
    return read(file, null);
  }

  /** Reads {@code file} as {@link #read(Path)} does, grey frames through {@code given} when it is not null. */
  public static Frames read(Path file, Window given) {
    DicomDataset data = DicomParser.read(file);
    DicomPixels pixels = DicomPixels.of(data);
    String source = file.getFileName().toString();
    int plane = pixels.rows() * pixels.columns();
    List<Image> frames = new ArrayList<>();
    if (pixels.samples() == 1) {
      Window window = given != null ? given : fileWindow(data).orElseGet(() -> robustWindow(pixels.values()));
      boolean inverted = pixels.photometric().equals("MONOCHROME1");
      for (int f = 0; f < pixels.frames(); f++) {
        frames.add(grey(name(source, f, pixels.frames()), pixels.values(), f * plane, pixels.rows(), pixels.columns(),
            window, inverted));
      }
      return new Frames(frames, window);
    }
    boolean ybr = pixels.photometric().equals("YBR_FULL");
    if (!ybr && !pixels.photometric().equals("RGB")) {
      throw new LumenException(file, "has Photometric Interpretation " + pixels.photometric()
          + "; Lumen reads MONOCHROME1, MONOCHROME2, RGB, YBR_FULL and YBR_FULL_422");
    }
    int bits = (int) data.number(DicomDictionary.BITS_STORED, 8);
    double top = Math.pow(2, bits) - 1;
    for (int f = 0; f < pixels.frames(); f++) {
      float[] rgb = rgb(pixels.values(), f * plane * 3, plane, ybr, top);
      frames.add(new Image(name(source, f, pixels.frames()), Tensor.of(rgb, 3, pixels.rows(), pixels.columns()),
          255));
    }
    return new Frames(frames, null);
  }

  private static String name(String source, int frame, int frames) {
    return frames == 1 ? source : source + "#" + frame;
  }

  /**
   * A frame's colour samples as planar RGB scaled to 0–255: YBR_FULL converted with
   * R = Y + 1.402 (Cr − half), G = Y − 0.344136 (Cb − half) − 0.714136 (Cr − half),
   * B = Y + 1.772 (Cb − half), half being the middle of the range.
   */
  static float[] rgb(float[] values, int at, int plane, boolean ybr, double top) {
    float[] out = new float[3 * plane];
    double half = (top + 1) / 2;
    double scale = 255 / top;
    for (int p = 0; p < plane; p++) {
      double a = values[at + 3 * p];
      double b = values[at + 3 * p + 1];
      double c = values[at + 3 * p + 2];
      double r = a;
      double g = b;
      double bl = c;
      if (ybr) {
        r = a + 1.402 * (c - half);
        g = a - 0.344136 * (b - half) - 0.714136 * (c - half);
        bl = a + 1.772 * (b - half);
      }
      out[p] = (float) (clamp(r, top) * scale);
      out[plane + p] = (float) (clamp(g, top) * scale);
      out[2 * plane + p] = (float) (clamp(bl, top) * scale);
    }
    return out;
  }

  private static double clamp(double v, double top) {
    return Math.max(0, Math.min(top, v));
  }

  /** One grey frame of {@code values} from {@code at} through {@code window} onto 0–255, inverted for MONOCHROME1. */
  static Image grey(String name, float[] values, int at, int rows, int columns, Window window, boolean inverted) {
    float[] out = new float[rows * columns];
    for (int i = 0; i < out.length; i++) {
      double y = voi(values[at + i], window);
      out[i] = (float) (inverted ? 255 - y : y);
    }
    return new Image(name, Tensor.of(out, 1, rows, columns), 255);
  }

  /** The file's first VOI window, when it has a usable one. */
  static java.util.Optional<Window> fileWindow(DicomDataset data) {
    double centre = data.number(DicomDictionary.WINDOW_CENTER, Double.NaN);
    double width = data.number(DicomDictionary.WINDOW_WIDTH, Double.NaN);
    return Double.isFinite(centre) && Double.isFinite(width) && width >= 1
        ? java.util.Optional.of(new Window(centre, width, "file")) : java.util.Optional.empty();
  }

  /** A window over the 0.5th to 99.5th percentile of {@code values}. */
  static Window robustWindow(float[] values) {
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    double low = sorted[(int) Math.floor(0.005 * (sorted.length - 1))];
    double high = sorted[(int) Math.ceil(0.995 * (sorted.length - 1))];
    if (high <= low) {
      low = sorted[0];
      high = Math.max(sorted[sorted.length - 1], low + 1);
    }
    return new Window((low + high) / 2, high - low, "automatic");
  }

  /** The linear VOI function of PS3.3 C.11.2.1.2.1 onto 0–255. */
  static double voi(double x, Window w) {
    double c = w.centre();
    double width = w.width();
    if (x <= c - 0.5 - (width - 1) / 2) {
      return 0;
    }
    if (x > c - 0.5 + (width - 1) / 2) {
      return 255;
    }
    return ((x - (c - 0.5)) / (width - 1) + 0.5) * 255;
  }
}
