package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * JPEG Baseline frames (8-bit, 1 or 3 components) decoded by the JDK's JPEG reader as a raw
 * raster: the components as coded, with no colour conversion, so that a YBR_FULL(_422) frame
 * stays YBR (chroma upsampled by the decoder) and an RGB one stays RGB, as the Photometric
 * Interpretation says — the values pydicom gives.
 */
final class JpegFrames {
  private JpegFrames() {}

  /** Every frame's samples, pixel-interleaved ({@code [row][column][sample]}). */
  static List<float[]> decode(DicomDataset data, int frames, int rows, int columns, int samples) {
    List<float[]> out = new ArrayList<>();
    int f = 0;
    for (byte[] frame : Fragments.frames(data, frames)) {
      out.add(frame(data, frame, f++, rows, columns, samples));
    }
    return out;
  }

  private static float[] frame(DicomDataset data, byte[] bytes, int index, int rows, int columns, int samples) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
      ImageReader reader = readers.next();
      try {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(in);
        // the header's size first: a damaged one must not make the decoder allocate
        if (reader.getWidth(0) != columns || reader.getHeight(0) != rows) {
          throw new LumenException(data.file(), "frame " + index + " is a " + reader.getWidth(0) + "x"
              + reader.getHeight(0) + " JPEG, but the file says " + columns + "x" + rows);
        }
        Raster raster = reader.readRaster(0, null);
        if (!warnings.isEmpty()) {
          throw new LumenException(data.file(), "frame " + index + " is a corrupt JPEG (" + warnings.get(0) + ")");
        }
        if (raster.getWidth() != columns || raster.getHeight() != rows || raster.getNumBands() != samples) {
          throw new LumenException(data.file(), "frame " + index + " is a " + raster.getWidth() + "x"
              + raster.getHeight() + " JPEG of " + raster.getNumBands() + " components, but the file says " + columns
              + "x" + rows + " of " + samples);
        }
        float[] values = new float[rows * columns * samples];
        raster.getPixels(0, 0, columns, rows, values);
        return values;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof LumenException le) {
        throw le;
      }
      throw new LumenException(data.file(), "frame " + index + " is not a JPEG the JDK decodes (" + e.getMessage()
          + ")");
    }
  }
}
