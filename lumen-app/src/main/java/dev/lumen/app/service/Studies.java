package dev.lumen.app.service;

import dev.lumen.core.LumenException;
import dev.lumen.core.dicom.DicomDataset;
import dev.lumen.core.dicom.DicomDirectory;
import dev.lumen.core.dicom.DicomImages;
import dev.lumen.core.dicom.DicomParser;
import dev.lumen.core.dicom.DicomSeries;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Reslice;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.Nifti;
import dev.lumen.core.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Reads study files (as named on the command line, or found in a dataset) as the model takes them. */
public final class Studies {
  private Studies() {}

  /**
   * The studies named: files as given; a folder stands for the studies directly inside it — for
   * a volume model a folder of DICOM files (or a DICOMDIR) is one series (one exam), else its PNG, JPEG,
   * {@code .npy} and DICOM files (DICOM told by content: its files often have no extension), in
   * name order.
   *
   * @throws LumenException naming a folder with no studies
   */
  public static List<Path> expand(List<Path> args, boolean volumes) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path arg : args) {
      if (DicomDirectory.isDirectory(arg)) {
        // a DICOMDIR: one exam of its series, or each image it references
        out.addAll(volumes ? List.of(arg) : DicomDirectory.files(arg));
        continue;
      }
      if (!Files.isDirectory(arg)) {
        out.add(arg);
        continue;
      }
      if (volumes && DicomSeries.isSeries(arg)) {
        out.add(arg);
        continue;
      }
      try (Stream<Path> files = Files.list(arg)) {
        List<Path> studies = files.filter(Files::isRegularFile).filter(f -> isStudyName(f) || Images.isDicom(f))
            .filter(f -> !DicomDirectory.isDirectory(f)).sorted().toList();
        if (studies.isEmpty()) {
          throw new LumenException(arg, "folder holds no studies (.png, .jpg, .jpeg, .npy, DICOM)");
        }
        out.addAll(studies);
      }
    }
    return out;
  }

  private static boolean isStudyName(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".npy")
        || name.endsWith(".dcm") || name.endsWith(".nii") || name.endsWith(".nii.gz");
  }

  /** Whether {@code file} holds a volume (a NumPy array) rather than a 2D image. */
  public static boolean isVolume(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
  }

  /** Reads 2D images: PNG, JPEG and single-frame DICOM files, and {@code [height, width]} .npy arrays as grey images. */
  public static List<Image> images(Model model, List<Path> files) {
    return images(model, files, null);
  }

  /** Reads 2D images as {@link #images(Model, List)} does, grey DICOM through {@code window} when it is not null. */
  public static List<Image> images(Model model, List<Path> files, DicomImages.Window window) {
    model.requireImages();
    return files.stream().map(f -> isVolume(f) ? Images.readNpyImage(f) : Images.read(f, window)).toList();
  }

  /** {@code files} in groups of at most {@code size}, so that big archives are read a batch at a time. */
  public static List<List<Path>> chunks(List<Path> files, int size) {
    List<List<Path>> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i += size) {
      out.add(files.subList(i, Math.min(files.size(), i + size)));
    }
    return out;
  }

  /**
   * One exam of a volume model and, when its source has a geometry (a NIfTI file, a DICOM
   * series), the affine of its (column, row, slice) indices to world coordinates (RAS mm), else
   * null; the DICOM data sets of its slices in volume order without their pixel data (its
   * series', kept from the reading, or its one multi-frame file's, parsed when asked for), else none.
   */
  public record Exam(Volume volume, double[][] affine, java.util.function.Supplier<List<DicomDataset>> dicomSources) {}

  /**
   * Reads one exam of a volume model: a {@code .npy} array, a NIfTI file, a folder holding a
   * DICOM series, or a multi-frame DICOM file; a 2D image file is refused before it is read, with
   * the model's reason.
   */
  public static Exam exam(Model model, Path file, DicomImages.Window window) {
    return exam(model, file, window, null, null);
  }

  /**
   * Reads an exam as {@link #exam(Model, Path, DicomImages.Window)} does, volume {@code frame} of
   * a 4D NIfTI image and resliced into {@code plane} when they are not null.
   *
   * @throws LumenException naming the file when it is to be resliced but has no geometry (see {@link Reslice})
   */
  public static Exam exam(Model model, Path file, DicomImages.Window window, Reslice.Plane plane, Integer frame) {
    if (!Files.isDirectory(file) && !Images.isNifti(file) && !Images.isDicom(file) && !isVolume(file)) {
      model.requireImages();
    }
    Exam exam = exam(file, window, frame);
    return plane == null ? exam : resliced(file, exam, plane);
  }

  /** {@code exam} resliced into {@code plane}; its slices are no longer the source files' own. */
  public static Exam resliced(Path file, Exam exam, Reslice.Plane plane) {
    Reslice.Resliced r = Reslice.of(file, exam.volume(), exam.affine(), plane);
    return new Exam(r.volume(), r.affine(), List::of);
  }

  /**
   * Reads an exam as {@link #exam(Model, Path, DicomImages.Window)} does, for any model; grey
   * DICOM through {@code window} when it is not null, else the files' own or a robust one.
   */
  public static Exam exam(Path file, DicomImages.Window window) {
    return exam(file, window, null);
  }

  /**
   * Reads an exam as {@link #exam(Path, DicomImages.Window)} does, volume {@code frame} of a 4D
   * NIfTI image when it is not null.
   */
  public static Exam exam(Path file, DicomImages.Window window, Integer frame) {
    Images.requireFramed(file, frame);
    if (Files.isDirectory(file) || DicomDirectory.isDirectory(file)) {
      DicomSeries series = DicomSeries.read(file, window);
      return new Exam(series.volume(), series.affine(), series::headers);
    }
    if (Images.isNifti(file)) {
      Nifti nifti = Nifti.read(file);
      return new Exam(Images.niftiVolume(nifti, frame), Images.niftiSliceAffine(nifti), List::of);
    }
    if (Images.isDicom(file)) {
      List<Image> frames = DicomImages.read(file, window).frames();
      return new Exam(new Volume(file.getFileName().toString(), frames), null, () -> dicomSources(List.of(file)));
    }
    return new Exam(Images.readNpyVolume(file), null, List::of);
  }

  /**
   * Fails unless {@code study} is DICOM: a file told by its content, or a folder of DICOM files.
   *
   * @throws LumenException naming the study, for {@code --dicom}
   */
  public static void requireDicom(Path study) {
    boolean dicom = Files.isDirectory(study) || DicomDirectory.isDirectory(study) ? DicomSeries.isSeries(study)
        : Images.isDicom(study);
    if (!dicom) {
      throw new LumenException(study, "is not a DICOM image or series; --dicom writes DICOM objects over DICOM "
          + "studies only");
    }
  }

  /** The data sets of DICOM {@code files} (a study's slices in volume order). */
  public static List<DicomDataset> dicomSources(List<Path> files) {
    return files.stream().map(DicomParser::read).toList();
  }

  /** The volume of {@link #exam(Model, Path, DicomImages.Window)} through the files' own windows. */
  public static Volume volume(Model model, Path file) {
    return exam(model, file, null).volume();
  }
}
