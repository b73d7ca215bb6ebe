package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A DICOMDIR (PS3.10 8, PS3.3 F.3): the media directory of a CD or a PACS export, whose
 * Directory Record Sequence names the files of its patients, studies, series and images by
 * their Referenced File IDs (path components relative to the DICOMDIR's folder). Lumen reads the
 * files it names; grouping them into series is left to the files' own Series Instance UIDs, as
 * for a folder.
 */
public final class DicomDirectory {
  /** The Media Storage Directory Storage SOP Class. */
  private static final String DIRECTORY_CLASS = "1.2.840.10008.1.3.10";

  private DicomDirectory() {}

  /** Whether {@code file} is a DICOMDIR: so named, or a DICOM file of the directory SOP class. */
  public static boolean isDirectory(Path file) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    if (file.getFileName().toString().toUpperCase(Locale.ROOT).equals("DICOMDIR")) {
      return true;
    }
    try (java.io.InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(1024);
      return DicomParser.looksLikeDicom(head)
          && new String(head, java.nio.charset.StandardCharsets.ISO_8859_1).contains(DIRECTORY_CLASS);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /**
   * The files the directory's records reference, in record order.
   *
   * @throws LumenException naming the DICOMDIR when it references no file, a file that is missing,
   *     or a path that leaves its folder
   */
  public static List<Path> files(Path dicomdir) {
    DicomDataset data = DicomParser.read(dicomdir);
    Path folder = dicomdir.toAbsolutePath().getParent();
    List<Path> files = new ArrayList<>();
    for (DicomDataset record : DicomParser.items(data, DicomDictionary.DIRECTORY_RECORD_SEQUENCE)) {
      String id = record.text(DicomDictionary.REFERENCED_FILE_ID, "");
      if (id.isEmpty()) {
        continue;
      }
      Path file = folder;
      for (String part : id.split("\\\\")) {
        file = file.resolve(part.trim());
      }
      file = file.normalize();
      if (!file.startsWith(folder)) {
        throw new LumenException(dicomdir, "references '" + id + "', outside its folder");
      }
      if (!Files.isRegularFile(file)) {
        throw new LumenException(dicomdir, "references " + folder.relativize(file) + " ("
            + record.text(DicomDictionary.DIRECTORY_RECORD_TYPE, "a record") + "), which is missing");
      }
      files.add(file);
    }
    if (files.isEmpty()) {
      throw new LumenException(dicomdir, "is a DICOMDIR that references no files");
    }
    return files;
  }
}
