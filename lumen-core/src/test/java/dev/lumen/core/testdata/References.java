package dev.lumen.core.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference values {@code scripts/make-dicom-references.py} writes from pydicom's and
 * nibabel's own test files (run by {@code scripts/test.sh}): where they are and their tables.
 */
public final class References {
  /** The folder of the references. */
  public static final Path ROOT = Path.of(System.getProperty("lumen.dicomReferences", "build/dicom-references"));

  private References() {}

  /** The folder of pydicom's test files. */
  public static Path pydicomFiles() throws IOException {
    return Path.of(Files.readString(ROOT.resolve("source.txt")).trim());
  }

  /** The rows of table {@code name} (index.tsv, series.tsv, nifti.tsv), split at tabs; fails when it was not made. */
  public static List<String[]> table(String name) throws IOException {
    Path table = ROOT.resolve(name);
    assertTrue(Files.isRegularFile(table), "no " + table + ": run scripts/test.sh, which makes the references");
    return Files.readAllLines(table).stream().filter(l -> !l.isBlank()).map(l -> l.split("\t")).toList();
  }
}
