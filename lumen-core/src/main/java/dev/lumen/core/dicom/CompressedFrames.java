package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import dev.lumen.core.image.JdkImageReaders;
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
 * Encapsulated frames decoded by the codec their transfer syntax needs, as raw rasters: the
 * components as coded, with no colour conversion (a YBR_FULL JPEG stays YBR, chroma upsampled
 * by the decoder, as pydicom gives it), each sample read through the file's Bits Stored and
 * Pixel Representation.
 */
final class CompressedFrames {
  /** The codecs, each with the ImageIO reader that decodes it. */
  enum Codec {
    /** JPEG Baseline and 8-bit Extended: the JDK's decoder. */
    JPEG_DCT("the JDK's JPEG decoder"),
    /** JPEG Lossless, processes 14 and 14 SV1: TwelveMonkeys' decoder. */
    JPEG_LOSSLESS("TwelveMonkeys' JPEG Lossless decoder"),
    /** JPEG 2000, reversible and irreversible: jai-imageio's decoder. */
    JPEG_2000("jai-imageio's JPEG 2000 decoder");

    private final String decoder;

    Codec(String decoder) {
      this.decoder = decoder;
    }

    private ImageReader reader() {
      return switch (this) {
        case JPEG_DCT -> JdkImageReaders.of("jpeg");
        case JPEG_LOSSLESS -> first(ImageIO.getImageReadersByFormatName("jpeg-lossless"));
        case JPEG_2000 -> first(ImageIO.getImageReadersByFormatName("jpeg2000"));
      };
    }

    private ImageReader first(Iterator<ImageReader> readers) {
      if (!readers.hasNext()) {
        throw new IllegalStateException(decoder + " is not on the class path");
      }
      return readers.next();
    }
  }

  private CompressedFrames() {}

  /** Every frame's samples into {@code out}, frame after frame, pixel-interleaved ({@code [row][column][sample]}). */
  static void decode(DicomDataset data, Codec codec, int frames, int rows, int columns, int samples, StoredBits bits,
      float[] out) {
    int perFrame = rows * columns * samples;
    int f = 0;
    for (byte[] frame : Fragments.frames(data, frames)) {
      int[] raw = frame(data, codec, frame, f, rows, columns, samples);
      for (int i = 0; i < perFrame; i++) {
        out[f * perFrame + i] = bits.value(raw[i]);
      }
      f++;
    }
  }

  private static int[] frame(DicomDataset data, Codec codec, byte[] bytes, int index, int rows, int columns,
      int samples) {
    if (codec == Codec.JPEG_2000) {
      Jpeg2000Codestream header = Jpeg2000Codestream.read(data.file(), index, bytes);
      requireSize(data, index, header.width(), header.height(), header.components(), rows, columns, samples);
      bytes = header.codestream();
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      ImageReader reader = codec.reader();
      try {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(in);
        // the header's size first: a damaged one must not make the decoder allocate
        requireSize(data, index, reader.getWidth(0), reader.getHeight(0), samples, rows, columns, samples);
        Raster raster = reader.readRaster(0, null);
        if (!warnings.isEmpty()) {
          throw new LumenException(data.file(), "frame " + index + " is corrupt (" + warnings.get(0) + ")");
        }
        requireSize(data, index, raster.getWidth(), raster.getHeight(), raster.getNumBands(), rows, columns, samples);
        return raster.getPixels(0, 0, columns, rows, (int[]) null);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof LumenException le) {
        throw le;
      }
      throw new LumenException(data.file(), "frame " + index + " is not a frame " + codec.decoder + " decodes ("
          + e.getMessage() + ")");
    }
  }

  private static void requireSize(DicomDataset data, int index, int width, int height, int components, int rows,
      int columns, int samples) {
    if (width != columns || height != rows || components != samples) {
      throw new LumenException(data.file(), "frame " + index + " is coded as " + width + "x" + height + " of "
          + components + " components, but the file says " + columns + "x" + rows + " of " + samples);
    }
  }
}
