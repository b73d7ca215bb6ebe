package dev.lumen.core.image;

import dev.lumen.core.LumenException;
import dev.lumen.core.io.Npy;
import dev.lumen.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads studies from files: PNG and JPEG images, NumPy volumes. */
public final class Images {
  /** The most pixels one image may have; larger ones are refused before they are decoded. */
  public static final long MAX_PIXELS = 1L << 28;

  private Images() {}

  /**
   * Reads a PNG or JPEG file (8- or 16-bit, grey or colour; alpha is dropped).
   *
   * @throws LumenException if the file is missing, not an image, corrupt or too large
   */
  public static Image read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new LumenException(file, "no such file");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (in == null || !readers.hasNext()) {
        throw new LumenException(file, "not an image Lumen can read (PNG or JPEG)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new LumenException(file, "image of " + reader.getWidth(0) + "x" + reader.getHeight(0)
              + " pixels is larger than the " + MAX_PIXELS + " pixels Lumen reads");
        }
        return fromBuffered(file.getFileName().toString(), reader.read(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof LumenException le) {
        throw le;
      }
      throw new LumenException(file, "corrupt or truncated image (" + e.getMessage() + ")", e);
    }
  }

  /** A {@code [slices, height, width]} or {@code [height, width]} array as grey slices. */
  public static Volume readNpyVolume(Path file) {
    Npy.Array array = Npy.read(file);
    Tensor t = array.tensor();
    if (t.rank() == 2) {
      t = t.reshape(1, t.dim(0), t.dim(1));
    }
    if (t.rank() != 3) {
      throw new LumenException(file, "expected a volume of shape [slices, height, width], got "
          + java.util.Arrays.toString(t.shape()));
    }
    String source = file.getFileName().toString();
    List<Image> slices = new ArrayList<>();
    for (int s = 0; s < t.dim(0); s++) {
      Tensor slice = t.slice(s);
      slices.add(new Image(source + "#" + s, slice.reshape(1, slice.dim(0), slice.dim(1)), array.maxValue()));
    }
    return new Volume(source, slices);
  }

  /** Converts a decoded image; 16-bit grey images keep their full range. */
  public static Image fromBuffered(String source, BufferedImage image) {
    Raster raster = image.getRaster();
    int w = image.getWidth();
    int h = image.getHeight();
    boolean palette = image.getColorModel() instanceof java.awt.image.IndexColorModel;
    boolean gray = !palette && image.getColorModel().getColorSpace().getNumComponents() == 1;
    if (gray) {
      int bits = image.getColorModel().getComponentSize(0);
      float[] values = raster.getSamples(0, 0, w, h, 0, new float[w * h]);
      return Image.gray(source, values, w, h, (float) ((1L << bits) - 1));
    }
    float[] rgb = new float[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        int i = y * w + x;
        rgb[i] = (argb >> 16) & 0xff;
        rgb[w * h + i] = (argb >> 8) & 0xff;
        rgb[2 * w * h + i] = argb & 0xff;
      }
    }
    return new Image(source, Tensor.of(rgb, 3, h, w), 255f);
  }
}
