package dev.lumen.app.exam;

import dev.lumen.core.LumenException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One split of a data set in the MRNet layout: a folder ({@code train/} or {@code valid/})
 * holding {@code axial/}, {@code coronal/} and {@code sagittal/} folders of {@code ID.npy}
 * stacks, and beside it the label files {@code SPLIT-LABEL.csv} ({@code ID,0|1} rows, no header).
 *
 * @param folder the split's folder
 * @param ids the exams, in name order
 * @param truth per exam id, per label asked for: whether the exam has it (empty when no labels were asked)
 */
public record MrnetSplit(Path folder, List<String> ids, Map<String, boolean[]> truth) {
  /** The planes, in the order MRNet lists them. */
  public static final List<String> PLANES = List.of("axial", "coronal", "sagittal");

  /** The stack of exam {@code id} in {@code plane}. */
  public Path stack(String id, String plane) {
    return folder.resolve(plane).resolve(id + ".npy");
  }

  /** The mask of {@code label}'s finding on exam {@code id}'s {@code plane} stack (the file may not exist). */
  public Path mask(String id, String plane, String label) {
    return folder.resolve("masks").resolve(plane).resolve(id + "-" + label + ".npy");
  }

  /**
   * Reads the split in {@code folder} with the labels {@code labels} (none to read stacks only).
   *
   * @throws LumenException naming the folder or file when a plane folder is missing, an exam
   *     lacks a plane, the split is empty, or a label file is missing, malformed, names an exam
   *     the split does not hold, or leaves one out
   */
  public static MrnetSplit read(Path folder, List<String> labels) {
    TreeSet<String> ids = new TreeSet<>();
    Map<String, List<String>> perPlane = new LinkedHashMap<>();
    for (String plane : PLANES) {
      Path dir = folder.resolve(plane);
      if (!Files.isDirectory(dir)) {
        throw new LumenException(folder, "has no '" + plane + "' folder: an MRNet split holds axial, coronal and "
            + "sagittal folders of ID.npy stacks");
      }
      try (Stream<Path> files = Files.list(dir)) {
        List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".npy"))
            .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        perPlane.put(plane, names);
        ids.addAll(names);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (ids.isEmpty()) {
      throw new LumenException(folder, "holds no exams (no .npy stacks in axial, coronal or sagittal)");
    }
    for (Map.Entry<String, List<String>> plane : perPlane.entrySet()) {
      for (String id : ids) {
        if (!plane.getValue().contains(id)) {
          throw new LumenException(folder.resolve(plane.getKey()), "has no " + id + ".npy, but other planes hold exam "
              + id);
        }
      }
    }
    Map<String, boolean[]> truth = new LinkedHashMap<>();
    for (String id : ids) {
      truth.put(id, new boolean[labels.size()]);
    }
    for (int l = 0; l < labels.size(); l++) {
      readLabel(labelFile(folder, labels.get(l)), l, truth);
    }
    return new MrnetSplit(folder, List.copyOf(ids), labels.isEmpty() ? Map.of() : truth);
  }

  /** The label file of {@code label} beside the split's folder: {@code SPLIT-LABEL.csv}. */
  static Path labelFile(Path folder, String label) {
    Path absolute = folder.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + "-" + label + ".csv");
  }

  private static void readLabel(Path file, int label, Map<String, boolean[]> truth) {
    if (!Files.isRegularFile(file)) {
      throw new LumenException(file, "missing: the split's labels for this model's label are read from it");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      throw new LumenException(file, "cannot be read (" + e.getMessage() + ")", e);
    }
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",");
      String where = "row " + (i + 1);
      if (cells.length != 2 || !(cells[1].trim().equals("0") || cells[1].trim().equals("1"))) {
        throw new LumenException(file, where + " is '" + lines.get(i) + "', not ID,0 or ID,1");
      }
      String id = cells[0].trim();
      boolean[] t = truth.get(id);
      if (t == null) {
        throw new LumenException(file, where + " names exam " + id + ", which has no stacks in the split");
      }
      t[label] = cells[1].trim().equals("1");
      seen.add(id);
    }
    truth.keySet().stream().filter(id -> !seen.contains(id)).findFirst().ifPresent(id -> {
      throw new LumenException(file, "has no row for exam " + id);
    });
  }
}
