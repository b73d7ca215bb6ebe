package dev.lumen.app.batch;

import dev.lumen.app.evaluate.LabelledStudies;
import dev.lumen.core.LumenException;
import dev.lumen.core.dicom.DicomSeries;
import dev.lumen.core.image.Images;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The studies of an archive: a labelled CSV, or a tree of study files and DICOM series. */
public final class BatchDataset {
  private static final List<String> PLANES = List.of("axial", "coronal", "sagittal");

  private BatchDataset() {}

  /**
   * The studies of {@code dataset}, in a stable order: the rows of a labelled CSV (with their
   * masks), or every study under a folder — for a volume model each {@code .npy} and NIfTI file
   * (the {@code .hdr} of a pair) and each folder of DICOM files (one series), for an image model
   * each PNG, JPEG, {@code .npy} and DICOM file.
   *
   * @param labels the model's labels (a CSV's masks are named by them)
   * @throws LumenException naming the dataset when it holds no study, or when it is an MRNet
   *     layout with several planes, which one plane model cannot read all of
   */
  public static List<BatchStudy> read(Path dataset, boolean volumes, List<String> labels) {
    if (!Files.isDirectory(dataset)) {
      if (!dataset.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
        throw new LumenException(dataset, "is neither a labelled CSV nor a folder of studies");
      }
      return labelled(dataset, labels);
    }
    if (volumes && DicomSeries.isSeries(dataset)) {
      return List.of(new BatchStudy(dataset.getFileName().toString(), dataset, Map.of()));
    }
    List<BatchStudy> out = new ArrayList<>();
    try {
      collect(dataset, dataset, volumes, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (out.isEmpty()) {
      throw new LumenException(dataset, "holds no studies (" + (volumes ? ".npy, .nii, .nii.gz, DICOM series"
          : ".png, .jpg, .jpeg, .npy, DICOM") + ")");
    }
    List<String> planes = out.stream().map(s -> Path.of(s.name()).getParent())
        .filter(p -> p != null && PLANES.contains(p.getFileName().toString())).map(p -> p.getFileName().toString())
        .distinct().toList();
    if (planes.size() > 1) {
      throw new LumenException(dataset, "is an MRNet layout of the planes " + planes + "; a plane model reads one "
          + "of them: give its folder (e.g. " + dataset.resolve("train").resolve(planes.get(0)) + ")");
    }
    return out;
  }

  private static List<BatchStudy> labelled(Path csv, List<String> labels) {
    LabelledStudies data = LabelledStudies.read(csv, labels);
    Path folder = csv.toAbsolutePath().getParent();
    List<BatchStudy> out = new ArrayList<>();
    for (LabelledStudies.Study study : data.studies()) {
      Map<String, Path> masks = new LinkedHashMap<>();
      study.masks().forEach((label, mask) -> masks.put(labels.get(label), mask));
      out.add(new BatchStudy(name(folder, study.image().toAbsolutePath()), study.image(), masks));
    }
    return out;
  }

  private static void collect(Path root, Path folder, boolean volumes, List<BatchStudy> out) throws IOException {
    List<Path> entries;
    try (Stream<Path> listing = Files.list(folder)) {
      entries = listing.sorted().toList();
    }
    for (Path entry : entries) {
      if (entry.getFileName().toString().startsWith(".")) {
        continue;
      }
      if (Files.isDirectory(entry)) {
        if (volumes && DicomSeries.isSeries(entry)) {
          out.add(new BatchStudy(name(root, entry), entry, Map.of()));
        } else {
          collect(root, entry, volumes, out);
        }
      } else if (Files.isRegularFile(entry) && isStudy(entry, volumes)) {
        out.add(new BatchStudy(name(root, entry), entry, Map.of()));
      }
    }
  }

  private static boolean isStudy(Path file, boolean volumes) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (volumes) {
      return name.endsWith(".npy") || name.endsWith(".nii") || name.endsWith(".nii.gz") || name.endsWith(".hdr");
    }
    return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".npy")
        || Images.isDicom(file);
  }

  /** {@code file}'s path under {@code root} with forward slashes, the same on every machine. */
  private static String name(Path root, Path file) {
    return root.toAbsolutePath().relativize(file.toAbsolutePath()).toString().replace('\\', '/');
  }
}
