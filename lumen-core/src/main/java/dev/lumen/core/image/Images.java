package dev.lumen.core.image;

import dev.lumen.core.LumenException;
import dev.lumen.core.dicom.DicomImages;
import dev.lumen.core.dicom.DicomParser;
import dev.lumen.core.MemoryBudget;
import dev.lumen.core.io.Nifti;
import dev.lumen.core.io.Npy;
import dev.lumen.core.tensor.Tensor;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads studies from files: PNG and JPEG images, NumPy volumes. */
public final class Images {
  /** The most pixels one image may have; larger ones are refused before they are decoded. */
  public static final long MAX_PIXELS = 1L << 28;
  /** Memory one pixel costs while it is decoded and converted: the decoded samples, the float planes, one more copy. */
  private static final long DECODE_BYTES_PER_PIXEL = 4 + 2 * 3 * Float.BYTES;

  private Images() {}

  /**
   * Reads a PNG or JPEG file (8- or 16-bit, grey or colour; alpha is dropped), or a
   * single-frame DICOM file (told by its content; shown through its VOI window, see
   * {@link DicomImages}). Colour samples are taken as stored, as PIL and torchvision take them.
   *
   * @throws LumenException if the file is missing, not an image, corrupt or truncated (any
   *     decoder warning), in a colour space other than grey or RGB (CMYK, YCCK), too large, or
   *     too large for the free heap
   */
  public static Image read(Path file) {
    return read(file, null);
  }

  /** Reads {@code file} as {@link #read(Path)} does, a grey DICOM image through {@code window} when it is not null. */
  public static Image read(Path file, DicomImages.Window window) {
    if (!Files.isRegularFile(file)) {
      throw new LumenException(file, "no such file");
    }
    if (isNifti(file)) {
      Volume volume = readNiftiVolume(file);
      if (volume.depth() != 1) {
        throw new LumenException(file, "holds " + volume.depth() + " slices; the model takes single images");
      }
      return volume.slices().get(0);
    }
    if (isDicom(file)) {
      List<Image> frames = DicomImages.read(file, window).frames();
      if (frames.size() != 1) {
        throw new LumenException(file, "holds " + frames.size() + " frames; the model takes single images");
      }
      return frames.get(0);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = in == null ? null : JdkImageReaders.first(ImageIO.getImageReaders(in));
      if (reader == null) {
        throw new LumenException(file, "not an image Lumen can read (PNG or JPEG)");
      }
      try {
        reader.setInput(in);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        long pixels = (long) w * h;
        if (pixels > MAX_PIXELS) {
          throw new LumenException(file, "image of " + w + "x" + h + " pixels is larger than the " + MAX_PIXELS
              + " pixels Lumen reads");
        }
        MemoryBudget.require(file, pixels * DECODE_BYTES_PER_PIXEL, "decoding " + w + "x" + h + " pixels");
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage decoded = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new LumenException(file, "corrupt or truncated image (" + warnings.get(0) + ")");
        }
        return fromBuffered(file, decoded);
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

  /** Whether {@code file} is named as a NIfTI file: {@code .nii}, or a pair's {@code .hdr} or {@code .img}, gzipped or not. */
  public static boolean isNifti(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).replaceAll("\\.gz$", "");
    return name.endsWith(".nii") || name.endsWith(".hdr") || name.endsWith(".img");
  }

  /**
   * A 3D NIfTI image as a volume of its z slices, each with rows along y (the last row first, so
   * that +y — anterior in RAS — is up) and columns along x, values scaled as the header says and
   * ranged as {@code .npy} arrays are.
   *
   * @throws LumenException as {@link Nifti#read} does, and for an image of more than one volume
   */
  public static Volume readNiftiVolume(Path file) {
    return niftiVolume(Nifti.read(file));
  }

  /**
   * Fails when a {@code frame} is asked of a study that is not NIfTI: only a 4D NIfTI time series
   * has volumes to pick.
   *
   * @throws LumenException naming the study
   */
  public static void requireFramed(Path study, Integer frame) {
    if (frame != null && !isNifti(study)) {
      throw new LumenException(study, "is not a NIfTI image; --frame picks a volume of a 4D NIfTI time series");
    }
  }

  /** {@code nifti}'s volume as {@link #readNiftiVolume} slices it. */
  public static Volume niftiVolume(Nifti nifti) {
    return niftiVolume(nifti, null);
  }

  /**
   * Volume {@code frame} (from 0) of a 4D NIfTI image (a time series: its fourth axis), or the one
   * volume of a 3D image when {@code frame} is null.
   *
   * @throws LumenException naming the file for a 4D image without a frame, a frame it does not
   *     hold, or an image of more than four axes
   */
  public static Volume niftiVolume(Nifti nifti, Integer frame) {
    Path file = nifti.file();
    int[] d = nifti.dims();
    int nx = d[0];
    int ny = d.length > 1 ? d[1] : 1;
    int nz = d.length > 2 ? d[2] : 1;
    int frames = d.length > 3 ? d[3] : 1;
    long beyond = 1;
    for (int i = 4; i < d.length; i++) {
      beyond *= d[i];
    }
    if (beyond != 1) {
      throw new LumenException(file, "has " + d.length + " axes " + java.util.Arrays.toString(d) + "; Lumen reads 3D "
          + "volumes and 4D time series");
    }
    if (frame == null && frames != 1) {
      throw new LumenException(file, "holds " + frames + " volumes of " + nx + "x" + ny + "x" + nz + " (a time series); "
          + "pick one with --frame 0.." + (frames - 1));
    }
    int f = frame == null ? 0 : frame;
    if (f < 0 || f >= frames) {
      throw new LumenException(file, "holds " + frames + " volume" + (frames == 1 ? "" : "s") + "; there is no frame "
          + f + " (frames count from 0)");
    }
    int base = f * nx * ny * nz;
    String source = file.getFileName().toString() + (frame == null ? "" : "@" + f);
    List<Image> slices = java.util.stream.IntStream.range(0, nz).parallel().mapToObj(z -> {
      float[] plane = new float[nx * ny];
      for (int r = 0; r < ny; r++) {
        int y = ny - 1 - r;
        System.arraycopy(nifti.values(), base + (z * ny + y) * nx, plane, r * nx, nx);
      }
      return new Image(source + "#" + z, Tensor.of(plane, 1, ny, nx), nifti.maxValue());
    }).toList();
    return new Volume(source, slices);
  }

  /** The affine of {@link #niftiVolume}'s (column, row, slice) indices: the file's, with its y axis reversed. */
  public static double[][] niftiSliceAffine(Nifti nifti) {
    int ny = nifti.dims().length > 1 ? nifti.dims()[1] : 1;
    return Nifti.rowsFlipped(nifti.affine(), ny);
  }

  /** Whether {@code file} begins as a DICOM file does. */
  public static boolean isDicom(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      return DicomParser.looksLikeDicom(in.readNBytes(132));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A {@code [slices, height, width]} or {@code [height, width]} array as grey slices.
   *
   * @throws LumenException for other shapes, naming the shape found; an {@code [height, width,
   *     channels]} array (a colour image) is refused rather than read as slices of width × channels
   */
  public static Volume readNpyVolume(Path file) {
    Npy.Array array = Npy.read(file);
    Tensor t = array.tensor();
    if (t.rank() == 2) {
      t = t.reshape(1, t.dim(0), t.dim(1));
    }
    if (t.rank() != 3) {
      throw new LumenException(file, "holds an array of shape " + Arrays.toString(t.shape())
          + "; a volume is [slices, height, width]");
    }
    if (t.dim(2) <= 4 && t.dim(0) > 4 * t.dim(2) && t.dim(1) > 4 * t.dim(2)) {
      throw new LumenException(file, "holds an array of shape " + Arrays.toString(t.shape())
          + ", which looks like an image [height, width, channels]; a volume is [slices, height, width]");
    }
    String source = file.getFileName().toString();
    List<Image> slices = new ArrayList<>();
    for (int s = 0; s < t.dim(0); s++) {
      Tensor slice = t.slice(s);
      slices.add(new Image(source + "#" + s, slice.reshape(1, slice.dim(0), slice.dim(1)), array.maxValue()));
    }
    return new Volume(source, slices);
  }

  /**
   * A {@code [height, width]} array as a grey image, scaled as {@link Npy.Array#maxValue} says.
   *
   * @throws LumenException for other shapes, naming the shape found
   */
  public static Image readNpyImage(Path file) {
    Npy.Array array = Npy.read(file);
    Tensor t = array.tensor();
    if (t.rank() != 2) {
      throw new LumenException(file, "holds an array of shape " + Arrays.toString(t.shape())
          + "; the model takes single images, as PNG, JPEG or a [height, width] array");
    }
    return new Image(file.getFileName().toString(), t.reshape(1, t.dim(0), t.dim(1)), array.maxValue());
  }

  /** Converts a decoded image of {@code file}; grey and RGB samples keep their full range. */
  static Image fromBuffered(Path file, BufferedImage image) {
    String source = file.getFileName().toString();
    ColorModel model = image.getColorModel();
    int space = model.getColorSpace().getType();
    if (!(model instanceof IndexColorModel) && space != ColorSpace.TYPE_GRAY && space != ColorSpace.TYPE_RGB) {
      throw new LumenException(file, "colour space with " + model.getColorSpace().getNumComponents()
          + " components (CMYK or YCCK) is not read, since its colours depend on an ink profile; "
          + "convert the image to RGB or grey");
    }
    Raster raster = image.getRaster();
    int w = image.getWidth();
    int h = image.getHeight();
    if (model instanceof IndexColorModel) {
      return fromPalette(source, image);
    }
    int channels = space == ColorSpace.TYPE_GRAY ? 1 : 3;
    float[] values = new float[channels * w * h];
    for (int c = 0; c < channels; c++) {
      System.arraycopy(raster.getSamples(0, 0, w, h, c, new float[w * h]), 0, values, c * w * h, w * h);
    }
    return new Image(source, Tensor.of(values, channels, h, w), (float) ((1L << model.getComponentSize(0)) - 1));
  }

  /** A palette image's colours as RGB. */
  private static Image fromPalette(String source, BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
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
