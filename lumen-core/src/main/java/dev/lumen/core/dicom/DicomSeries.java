package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of single-frame DICOM files of one series (or the files a DICOMDIR references) as a
 * volume: the slices ordered by their
 * Image Position (Patient) along the normal of their Image Orientation (Patient) — not by file
 * name or instance number — with the slice spacing taken from the positions; every slice shown
 * through one window (the files' common VOI window, else a robust window over the whole series).
 * Several series, mixed orientations or sizes, a missing position, two slices at one position, or
 * a gap where a slice is missing are refused naming the files.
 *
 * @param seriesUid the Series Instance UID
 * @param files the slices' files, in volume order
 * @param volume the slices as images
 * @param position each slice's Image Position (Patient), in volume order
 * @param rowDirection the direction of a row (along the columns), from Image Orientation
 * @param columnDirection the direction of a column (down the rows)
 * @param pixelSpacing the spacing between rows and between columns (mm)
 * @param sliceSpacing the spacing between slices along the normal (mm)
 * @param window the window the slices were shown through
 * @param headers each slice's attributes without its pixel data, in volume order: what DICOM
 *     objects over the series refer to, kept so that writing them reads no file again
 */
public record DicomSeries(String seriesUid, List<Path> files, Volume volume, List<double[]> position,
                          double[] rowDirection, double[] columnDirection, double[] pixelSpacing, double sliceSpacing,
                          DicomImages.Window window, List<DicomDataset> headers) {
  private record Slice(Path file, DicomDataset data, DicomPixels pixels, double[] position, double along) {}

  /**
   * Whether {@code source} holds DICOM files (told by content) that {@link #read} would read as a
   * series: a folder of them, or a DICOMDIR.
   */
  public static boolean isSeries(Path source) {
    return DicomDirectory.isDirectory(source) || Files.isDirectory(source) && !dicomFiles(source).isEmpty();
  }

  /** The DICOM files of {@code source}: those its DICOMDIR references, or those in the folder. */
  private static List<Path> sourceFiles(Path source) {
    return DicomDirectory.isDirectory(source) ? DicomDirectory.files(source) : dicomFiles(source);
  }

  private static List<Path> dicomFiles(Path folder) {
    try (Stream<Path> list = Files.list(folder)) {
      return list.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("DICOMDIR"))
          .filter(DicomSeries::startsAsDicom).sorted().toList();
    } catch (IOException e) {
      throw new LumenException(folder, "cannot be listed: " + e.getMessage(), e);
    }
  }

  private static boolean startsAsDicom(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return DicomParser.looksLikeDicom(in.readNBytes(132));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads the series in {@code folder} (or that the DICOMDIR {@code folder} references).
   *
   * @throws LumenException naming the folder or files when it holds no DICOM files, several
   *     series, multi-frame files, or slices that do not make one evenly spaced volume
   */
  public static DicomSeries read(Path folder) {
    return read(folder, null);
  }

  /** Reads the series in {@code folder} as {@link #read(Path)} does, through {@code given} when it is not null. */
  public static DicomSeries read(Path folder, DicomImages.Window given) {
    List<Path> files = sourceFiles(folder);
    if (files.isEmpty()) {
      throw new LumenException(folder, "holds no DICOM files");
    }
    Map<String, List<Path>> bySeries = new LinkedHashMap<>();
    Map<Path, DicomDataset> data = new LinkedHashMap<>();
    // files are parsed on every core; what follows keeps the files' order
    List<DicomDataset> parsed = files.parallelStream().map(DicomParser::read).toList();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      DicomDataset d = parsed.get(i);
      data.put(f, d);
      bySeries.computeIfAbsent(d.text(DicomDictionary.SERIES_INSTANCE_UID, "(none)"), k -> new ArrayList<>()).add(f);
    }
    if (bySeries.size() > 1) {
      StringBuilder list = new StringBuilder();
      bySeries.forEach((uid, in) -> list.append(list.length() == 0 ? "" : "; ").append(uid).append(": ")
          .append(in.size()).append(" files, e.g. ").append(in.get(0).getFileName()));
      throw new LumenException(folder, "holds " + bySeries.size() + " series (" + list + "); give a folder or DICOMDIR of one");
    }
    String uid = bySeries.keySet().iterator().next();
    DicomDataset first = data.get(files.get(0));
    double[] orientation = vector(first, DicomDictionary.IMAGE_ORIENTATION, 6, files.get(0));
    double[] row = {orientation[0], orientation[1], orientation[2]};
    double[] column = {orientation[3], orientation[4], orientation[5]};
    double[] normal = {row[1] * column[2] - row[2] * column[1], row[2] * column[0] - row[0] * column[2],
        row[0] * column[1] - row[1] * column[0]};
    List<DicomPixels> decoded = files.parallelStream().map(f -> DicomPixels.of(data.get(f))).toList();
    List<Slice> slices = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      DicomDataset d = data.get(f);
      double[] o = vector(d, DicomDictionary.IMAGE_ORIENTATION, 6, f);
      for (int k = 0; k < 6; k++) {
        if (Math.abs(o[k] - orientation[k]) > 1e-4) {
          throw new LumenException(f, "has Image Orientation (Patient) " + java.util.Arrays.toString(o) + ", but "
              + files.get(0).getFileName() + " has " + java.util.Arrays.toString(orientation)
              + ": a series must keep one orientation");
        }
      }
      DicomPixels p = decoded.get(i);
      if (p.frames() != 1 || p.samples() != 1) {
        throw new LumenException(f, "has " + p.frames() + " frames of " + p.samples() + " samples; a series is made "
            + "of single-frame grey images");
      }
      DicomPixels firstPixels = slices.isEmpty() ? p : slices.get(0).pixels();
      if (p.rows() != firstPixels.rows() || p.columns() != firstPixels.columns()) {
        throw new LumenException(f, "is " + p.columns() + "x" + p.rows() + " but " + slices.get(0).file().getFileName()
            + " is " + firstPixels.columns() + "x" + firstPixels.rows());
      }
      double[] position = vector(d, DicomDictionary.IMAGE_POSITION, 3, f);
      slices.add(new Slice(f, d, p, position, position[0] * normal[0] + position[1] * normal[1]
          + position[2] * normal[2]));
    }
    slices.sort(Comparator.comparingDouble(Slice::along));
    double spacing = slices.size() > 1 ? slices.get(1).along() - slices.get(0).along() : 1;
    for (int i = 1; i < slices.size(); i++) {
      double gap = slices.get(i).along() - slices.get(i - 1).along();
      if (gap < 1e-4) {
        throw new LumenException(folder, slices.get(i - 1).file().getFileName() + " and " + slices.get(i).file()
            .getFileName() + " lie at the same position along the slice normal");
      }
      if (Math.abs(gap - spacing) > 0.01 * spacing + 1e-3) {
        throw new LumenException(folder, "slices are " + fmt(spacing) + " mm apart, but " + slices.get(i - 1).file()
            .getFileName() + " and " + slices.get(i).file().getFileName() + " are " + fmt(gap) + " mm apart: a slice "
            + "is missing or the spacing changes");
      }
    }
    DicomImages.Window window = given != null ? given : commonWindow(slices);
    List<Image> images = slices.parallelStream().map(s -> DicomImages.grey(s.file().getFileName().toString(),
        s.pixels().values(), 0, s.pixels().rows(), s.pixels().columns(), window,
        s.pixels().photometric().equals("MONOCHROME1"))).toList();
    double[] pixelSpacing = first.numbers(DicomDictionary.PIXEL_SPACING).length == 2
        ? first.numbers(DicomDictionary.PIXEL_SPACING) : new double[] {1, 1};
    return new DicomSeries(uid, slices.stream().map(Slice::file).toList(),
        new Volume(DicomDirectory.isDirectory(folder) ? folder.toAbsolutePath().getParent().getFileName() + "/"
            + folder.getFileName() : folder.getFileName().toString(), images), slices.stream().map(Slice::position).toList(), row, column,
        pixelSpacing, spacing, window, slices.stream().map(s -> s.data().withoutPixelData()).toList());
  }

  /** The files' window when they all have the same one, else a robust window over every slice's values. */
  private static DicomImages.Window commonWindow(List<Slice> slices) {
    var firstWindow = DicomImages.fileWindow(slices.get(0).data());
    boolean shared = firstWindow.isPresent() && slices.stream().allMatch(s -> DicomImages.fileWindow(s.data())
        .map(w -> w.centre() == firstWindow.get().centre() && w.width() == firstWindow.get().width()).orElse(false));
    if (shared) {
      return firstWindow.get();
    }
    int plane = slices.get(0).pixels().values().length;
    float[] all = new float[plane * slices.size()];
    for (int i = 0; i < slices.size(); i++) {
      System.arraycopy(slices.get(i).pixels().values(), 0, all, i * plane, plane);
    }
    return DicomImages.robustWindow(all);
  }

  private static double[] vector(DicomDataset data, int tag, int length, Path file) {
    double[] v = data.numbers(tag);
    if (v.length != length) {
      throw new LumenException(file, "has no " + DicomDictionary.name(tag) + " of " + length + " numbers; a series "
          + "is ordered by its slices' positions");
    }
    return v;
  }

  private static String fmt(double mm) {
    return String.format(java.util.Locale.ROOT, "%.3f", mm);
  }

  /**
   * The affine from (column, row, slice) indices to world coordinates in RAS millimetres, as
   * NIfTI keeps them (DICOM's patient coordinates are LPS: x and y change sign).
   */
  public double[][] affine() {
    double[] origin = position.get(0);
    double[] normal = {rowDirection[1] * columnDirection[2] - rowDirection[2] * columnDirection[1],
        rowDirection[2] * columnDirection[0] - rowDirection[0] * columnDirection[2],
        rowDirection[0] * columnDirection[1] - rowDirection[1] * columnDirection[0]};
    double[][] out = new double[4][4];
    double[] ras = {-1, -1, 1};
    for (int r = 0; r < 3; r++) {
      // Pixel Spacing is (between rows, between columns)
      out[r][0] = ras[r] * rowDirection[r] * pixelSpacing[1];
      out[r][1] = ras[r] * columnDirection[r] * pixelSpacing[0];
      out[r][2] = ras[r] * normal[r] * sliceSpacing;
      out[r][3] = ras[r] * origin[r];
    }
    out[3][3] = 1;
    return out;
  }
}
