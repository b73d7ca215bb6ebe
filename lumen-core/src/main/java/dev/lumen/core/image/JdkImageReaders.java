package dev.lumen.core.image;

import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;

/**
 * The JDK's own image readers (those of the {@code java.desktop} module). The DICOM codecs on the
 * class path (TwelveMonkeys' JPEG, jai-imageio's JPEG 2000, TIFF, BMP, ...) register themselves
 * with ImageIO ahead of the JDK's; PNG and JPEG study files and DICOM's JPEG Baseline frames stay
 * with the JDK's decoders, whose results and warnings on damaged files the tests pin down.
 */
public final class JdkImageReaders {
  private JdkImageReaders() {}

  /** The first JDK reader of {@code readers}, or null; the others are disposed of. */
  public static ImageReader first(Iterator<ImageReader> readers) {
    ImageReader chosen = null;
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      if (chosen == null && isJdk(reader)) {
        chosen = reader;
      } else {
        reader.dispose();
      }
    }
    return chosen;
  }

  /** The JDK's reader of {@code format} ("png", "jpeg"). */
  public static ImageReader of(String format) {
    return Objects.requireNonNull(first(ImageIO.getImageReadersByFormatName(format)), "the JDK reads " + format);
  }

  private static boolean isJdk(ImageReader reader) {
    return reader.getOriginatingProvider() != null
        && reader.getOriginatingProvider().getClass().getModule() == ImageIO.class.getModule();
  }
}
