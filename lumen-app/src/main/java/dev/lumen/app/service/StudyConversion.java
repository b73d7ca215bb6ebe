package dev.lumen.app.service;

import dev.lumen.core.LumenException;
import dev.lumen.core.dicom.DicomDirectory;
import dev.lumen.core.dicom.DicomImages;
import dev.lumen.core.dicom.DicomSeries;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Reslice;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.Nifti;
import dev.lumen.core.io.NiftiWriter;
import dev.lumen.core.io.Npy;
import dev.lumen.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What Lumen decodes from a study, written out so a user can check exactly what a model sees:
 * an image, a DICOM series or multi-frame file, a NIfTI or {@code .npy} volume, as {@code .npy}
 * ({@code [height, width]}, {@code [3, height, width]} or {@code [slices, height, width]}),
 * {@code .png} (an image, its values scaled to 8 bits) or {@code .nii}/{@code .nii.gz} (with the
 * affine of the source's geometry, so it overlays the scan; identity when the source has none).
 */
public final class StudyConversion {
  /**
   * A decoded study: its slices, the affine of its (column, row, slice) indices when its source
   * has a geometry (else null), and a note on how its values came to be.
   */
  private record Decoded(Volume volume, double[][] affine, String note) {}

  private StudyConversion() {}

  /**
   * Decodes {@code in} (volume {@code frame} of a 4D NIfTI image when it is not null) and writes it
   * to {@code out} in the format its name says, a volume resliced into {@code plane} first when it
   * is not null; returns a line saying what was written.
   *
   * @throws LumenException naming the file when it cannot be decoded, or the format cannot hold it
   */
  public static String convert(Path in, Path out, Reslice.Plane plane, Integer frame) throws IOException {
    Decoded d = decode(in, frame);
    if (plane != null) {
      Reslice.Resliced r = Reslice.of(in, d.volume(), d.affine(), plane);
      d = new Decoded(r.volume(), r.affine(), String.format(Locale.ROOT, "%s, resliced %s at %.3g mm", d.note(),
          plane.name().toLowerCase(Locale.ROOT), r.spacing()));
    }
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    Image first = d.volume().slices().get(0);
    String size = d.volume().depth() + " slice" + (d.volume().depth() == 1 ? "" : "s") + " of " + first.width() + "x"
        + first.height() + (first.channels() == 3 ? " RGB" : "");
    if (name.endsWith(".npy")) {
      Npy.write(out, array(d.volume()));
    } else if (name.endsWith(".png")) {
      if (d.volume().depth() != 1) {
        throw new LumenException(in, "holds " + d.volume().depth() + " slices; write a volume as .npy or .nii.gz");
      }
      AtomicFiles.writePng(out, picture(first));
    } else if (name.endsWith(".nii") || name.endsWith(".nii.gz")) {
      if (first.channels() != 1) {
        throw new LumenException(in, "is a colour image; NIfTI takes grey volumes: write it as .png or .npy");
      }
      NiftiWriter.write(out, d.volume(), d.affine() != null ? d.affine() : identity());
    } else {
      throw new IllegalArgumentException("OUT must end in .npy, .png, .nii or .nii.gz, got " + out.getFileName());
    }
    return "wrote " + out + ": " + size + " (" + d.note() + (d.affine() == null && !name.endsWith(".png")
        && !name.endsWith(".npy") ? "; no geometry in the source: identity affine" : "") + ")";
  }

  private static Decoded decode(Path in, Integer frame) {
    Images.requireFramed(in, frame);
    if (Files.isDirectory(in) || DicomDirectory.isDirectory(in)) {
      DicomSeries series = DicomSeries.read(in);
      return new Decoded(series.volume(), series.affine(), "DICOM series of " + series.files().size() + " files, "
          + window(series.window()));
    }
    if (!Files.isRegularFile(in)) {
      throw new LumenException(in, "no such file");
    }
    if (Images.isNifti(in)) {
      Nifti nifti = Nifti.read(in);
      return new Decoded(Images.niftiVolume(nifti, frame), Images.niftiSliceAffine(nifti), "NIfTI values as scaled by "
          + "its header" + (frame == null ? "" : ", volume " + frame));
    }
    if (Images.isDicom(in)) {
      DicomImages.Frames frames = DicomImages.read(in);
      return new Decoded(new Volume(in.getFileName().toString(), frames.frames()), null,
          frames.window() == null ? "DICOM colour as RGB" : "DICOM, " + window(frames.window()));
    }
    if (StudyKind.isNpy(in)) {
      return new Decoded(Images.readNpyVolume(in), null, "NumPy values");
    }
    Image image = Images.read(in);
    return new Decoded(new Volume(in.getFileName().toString(), List.of(image)), null, "decoded image");
  }

  private static String window(DicomImages.Window w) {
    return String.format(Locale.ROOT, "shown through the %s window %.1f/%.1f onto 0-255", w.source(), w.centre(),
        w.width());
  }

  /** The slices as one array: {@code [height, width]}, {@code [3, height, width]} or {@code [slices, height, width]}. */
  private static Tensor array(Volume v) {
    Image first = v.slices().get(0);
    if (v.depth() == 1) {
      Tensor p = first.pixels();
      return first.channels() == 1 ? p.reshape(first.height(), first.width()) : p;
    }
    return Tensor.stack(v.slices().stream().map(s -> s.pixels().reshape(s.height(), s.width())).toList());
  }

  /** An image as an 8-bit picture, its values scaled by 255 over its range top. */
  private static BufferedImage picture(Image image) {
    int w = image.width();
    int h = image.height();
    float[] px = image.pixels().unsafeData();
    float scale = 255f / image.maxValue();
    boolean grey = image.channels() == 1;
    BufferedImage out = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        if (grey) {
          out.getRaster().setSample(x, y, 0, Math.round(Math.max(0, Math.min(255, px[i] * scale))));
        } else {
          int r = Math.round(Math.max(0, Math.min(255, px[i] * scale)));
          int g = Math.round(Math.max(0, Math.min(255, px[w * h + i] * scale)));
          int b = Math.round(Math.max(0, Math.min(255, px[2 * w * h + i] * scale)));
          out.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
      }
    }
    return out;
  }

  private static double[][] identity() {
    return new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  }
}
