package dev.lumen.app.batch;

import java.nio.file.Path;
import java.util.Map;

/**
 * One study of an archive.
 *
 * @param name its path relative to the dataset, as the results table names it
 * @param file the study: an image or volume file, or a DICOM series folder
 * @param masks per label name: the finding's mask, where the dataset gives one
 */
public record BatchStudy(String name, Path file, Map<String, Path> masks) {
  public BatchStudy {
    masks = Map.copyOf(masks);
  }
}
