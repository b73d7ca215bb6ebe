package dev.lumen.app.evaluate;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.lumen.core.LumenException;
import dev.lumen.core.image.Image;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.io.Nifti;
import dev.lumen.core.tensor.Tensor;
import dev.lumen.core.io.FileBytes;
import dev.lumen.core.io.JsonErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A labelled set of studies read from a CSV file: a column {@code image} (a path relative to the
 * file: an image, or for a volume model a volume — {@code .npy}, NIfTI, a DICOM file or a folder
 * holding a series), then either one 0/1 column per label (multi-label, or one-hot multi-class)
 * or one column {@code label} naming each study's class, and optionally columns
 * {@code mask:LABEL} with the path of a mask of that finding (non-zero on it; of a volume, a
 * {@code .npy} or NIfTI volume of its shape) and {@code region:NAME} with the path of a mask of
 * any other named region (a marker, the lungs), for explanation scores.
 *
 * @param file the CSV file
 * @param studies the rows
 * @param annotated the indices of the model's labels the file annotates (every label with a
 *     {@code label} column; else those with a 0/1 column): the others are unknown, not absent
 */
public record LabelledStudies(Path file, List<Study> studies, List<Integer> annotated) {
  private static final String REGION = "region:";

  /**
   * One row.
   *
   * @param image the study's file
   * @param truth per model label: whether the study has it
   * @param masks per label: the finding's mask, where given
   * @param regions per region name: its mask, where given
   */
  public record Study(Path image, boolean[] truth, Map<Integer, Path> masks, Map<String, Path> regions) {}

  /**
   * The labels a CSV defines: the distinct values of its {@code label} column in order of first
   * appearance, or else its 0/1 columns in order.
   *
   * @throws LumenException if the file cannot be read or defines no label
   */
  public static List<String> labelsOf(Path file) {
    List<Map<String, String>> rows = rows(file);
    List<String> labels = new ArrayList<>();
    if (rows.get(0).containsKey("label")) {
      rows.stream().map(r -> r.get("label").trim()).filter(v -> !v.isEmpty() && !labels.contains(v)).forEach(labels::add);
    } else {
      rows.get(0).keySet().stream().filter(c -> !c.equals("image") && !c.startsWith("mask:") && !c.startsWith(REGION)).forEach(labels::add);
    }
    if (labels.isEmpty()) {
      throw new LumenException(file, "defines no labels: give 0/1 columns per label or a 'label' column");
    }
    return labels;
  }

  /**
   * Reads {@code file} against the model's {@code labels}.
   *
   * @throws LumenException naming the file and row when the file is unreadable, empty, names an
   *     unknown label, holds a value other than 0/1, or names a missing image or mask
   */
  public static LabelledStudies read(Path file, List<String> labels) {
    List<Map<String, String>> rows = rows(file);
    Path folder = file.getParent() != null ? file.getParent() : Path.of("");
    List<Study> studies = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      Map<String, String> row = rows.get(r);
      String where = "row " + (r + 2);
      String image = row.get("image");
      if (image == null || image.isBlank()) {
        throw new LumenException(file, where + " has no 'image' column value");
      }
      Path imageFile = folder.resolve(image.trim());
      if (!Files.exists(imageFile)) {
        throw new LumenException(file, where + " names " + image.trim() + ", which does not exist");
      }
      boolean[] truth = new boolean[labels.size()];
      Map<Integer, Path> masks = new LinkedHashMap<>();
      Map<String, Path> regions = new LinkedHashMap<>();
      for (Map.Entry<String, String> cell : row.entrySet()) {
        String column = cell.getKey();
        String value = cell.getValue().trim();
        if (column.equals("image") || value.isEmpty()) {
          continue;
        }
        if (column.equals("label")) {
          truth[index(labels, value, file, where)] = true;
        } else if (column.startsWith(REGION)) {
          regions.put(column.substring(REGION.length()), existing(folder, value, file, where));
        } else if (column.startsWith("mask:")) {
          masks.put(index(labels, column.substring(5), file, where), existing(folder, value, file, where));
        } else {
          int i = index(labels, column, file, where);
          if (!value.equals("0") && !value.equals("1")) {
            throw new LumenException(file, where + ": column '" + column + "' holds '" + value + "', not 0 or 1");
          }
          truth[i] = value.equals("1");
        }
      }
      studies.add(new Study(imageFile, truth, masks, regions));
    }
    Set<String> columns = rows.get(0).keySet();
    List<Integer> annotated = IntStream.range(0, labels.size())
        .filter(l -> columns.contains("label") || columns.stream().anyMatch(c -> c.equalsIgnoreCase(labels.get(l))))
        .boxed().toList();
    return new LabelledStudies(file, List.copyOf(studies), annotated);
  }

  /**
   * The rows as column → value maps, in the header's order.
   *
   * @throws LumenException naming the file for an unreadable file, no rows, a header naming a
   *     column twice (ignoring case: one would hide the other), or a row with more values than
   *     the header has columns
   */
  private static List<Map<String, String>> rows(Path file) {
    List<List<String>> lines = new ArrayList<>();
    try (MappingIterator<List<String>> it = new CsvMapper().readerForListOf(String.class)
        .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(FileBytes.read(file))) {
      while (it.hasNextValue()) {
        lines.add(it.nextValue());
      }
    } catch (JacksonException e) {
      throw new LumenException(file, "not a readable labels CSV at " + JsonErrors.where(e) + " ("
          + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new LumenException(file, "cannot read: " + e.getMessage(), e);
    }
    lines.removeIf(line -> line.stream().allMatch(String::isBlank));
    if (lines.size() < 2) {
      throw new LumenException(file, "holds no studies");
    }
    List<String> header = lines.get(0).stream().map(String::trim).toList();
    Map<String, Integer> seen = new HashMap<>();
    for (int c = 0; c < header.size(); c++) {
      Integer earlier = seen.putIfAbsent(header.get(c).toLowerCase(Locale.ROOT), c + 1);
      if (earlier != null) {
        throw new LumenException(file, "the header names column '" + header.get(c) + "' twice (columns "
            + earlier + " and " + (c + 1) + ")");
      }
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (int r = 1; r < lines.size(); r++) {
      List<String> values = lines.get(r);
      if (values.size() > header.size()) {
        throw new LumenException(file, "row " + (r + 1) + " has " + values.size() + " values, the header "
            + header.size() + " columns");
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        row.put(header.get(c), c < values.size() ? values.get(c) : "");
      }
      rows.add(row);
    }
    return rows;
  }

  private static int index(List<String> labels, String label, Path file, String where) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i).equalsIgnoreCase(label)) {
        return i;
      }
    }
    throw new LumenException(file, where + " names label '" + label + "', which the model does not have " + labels);
  }

  /** {@code folder.resolve(value)}, which must be a file; named as the CSV gives it. */
  private static Path existing(Path folder, String value, Path file, String where) {
    Path path = folder.resolve(value);
    if (!Files.isRegularFile(path)) {
      throw new LumenException(file, where + " names " + value + ", which does not exist");
    }
    return path;
  }


  /**
   * A mask of a volume, as {@code [slices, height, width]} non-zero on the finding, which must be
   * of the volume's shape.
   *
   * @throws LumenException naming the mask when it cannot be read or is of another shape than its study
   */
  public static Tensor maskVolume(Path file, Volume study) {
    Tensor mask = maskStack(file);
    Image first = study.slices().get(0);
    if (mask.dim(0) != study.depth() || mask.dim(1) != first.height() || mask.dim(2) != first.width()) {
      throw new LumenException(file, "mask is " + mask.dim(0) + "x" + mask.dim(1) + "x" + mask.dim(2)
          + " but its study is " + study.depth() + "x" + first.height() + "x" + first.width()
          + " (slices x height x width)");
    }
    return mask;
  }

  /**
   * A mask file as {@code [slices, height, width]}, non-zero on the finding: a {@code .npy} array
   * ({@code [height, width]} or {@code [slices, height, width]}) or a NIfTI volume, read as volume
   * studies are so that it lies on its study's slices, or an image (one slice, any channel set).
   *
   * @throws LumenException naming the file when it cannot be read as any of these
   */
  public static Tensor maskStack(Path file) {
    List<Image> slices;
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
      slices = Images.readNpyVolume(file).slices();
    } else if (Images.isNifti(file)) {
      slices = Images.niftiVolume(Nifti.read(file)).slices();
    } else {
      slices = List.of(Images.read(file));
    }
    return Tensor.stack(slices.stream().map(s -> Tensor.of(maskPlane(s), s.height(), s.width())).toList());
  }

  /** A mask image as one plane, non-zero on the finding; it must have the study's size. */
  public static float[] maskPlane(Path file, Image study) {
    Image mask = Images.read(file);
    if (mask.width() != study.width() || mask.height() != study.height()) {
      throw new LumenException(file, "mask is " + mask.width() + "x" + mask.height() + " but its study is "
          + study.width() + "x" + study.height());
    }
    return maskPlane(mask);
  }

  /** Per pixel the largest of {@code mask}'s channels. */
  private static float[] maskPlane(Image mask) {
    float[] out = new float[mask.width() * mask.height()];
    float[] px = mask.pixels().unsafeData();
    for (int i = 0; i < px.length; i++) {
      out[i % out.length] = Math.max(out[i % out.length], px[i]);
    }
    return out;
  }
}
