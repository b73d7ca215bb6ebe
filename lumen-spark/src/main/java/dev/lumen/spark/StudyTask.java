package dev.lumen.spark;

import dev.lumen.app.batch.BatchStudy;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A study as a Spark task carries it to an executor (a {@link Path} is not serializable).
 *
 * @param name its path relative to the dataset
 * @param file its file or series folder, on a file system every executor sees
 * @param masks per label: its mask file
 */
record StudyTask(String name, String file, Map<String, String> masks) implements Serializable {
  static StudyTask of(BatchStudy study) {
    Map<String, String> masks = new LinkedHashMap<>();
    study.masks().forEach((label, mask) -> masks.put(label, mask.toString()));
    return new StudyTask(study.name(), study.file().toString(), masks);
  }

  BatchStudy study() {
    Map<String, Path> paths = new LinkedHashMap<>();
    masks.forEach((label, mask) -> paths.put(label, Path.of(mask)));
    return new BatchStudy(name, Path.of(file), paths);
  }
}
