package dev.lumen.core.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.testdata.References;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pydicom's DICOMDIRs (explicit and implicit VR, big endian, reordered records, records without
 * patients, an empty one): Lumen reads the same referenced files, in record order, as pydicom
 * does; one that references nothing or a missing file, or whose records overrun it, is refused
 * naming it.
 */
class DicomDirectoryTest {
  @Test
  void theReferencedFilesArePydicoms() throws IOException {
    Path folder = References.pydicomFiles().resolve("dicomdirtests");
    int compared = 0;
    for (String[] entry : References.table("dicomdirs.tsv")) {
      Path dicomdir = folder.resolve(entry[0]);
      assertTrue(DicomDirectory.isDirectory(dicomdir), entry[0] + " is told to be a DICOMDIR");
      if (entry[0].equals("DICOMDIR-nooffset")) {
        // its last record claims 248 bytes where the file holds 224: pydicom reads what there is, Lumen refuses
        LumenException e = assertThrows(LumenException.class, () -> DicomDirectory.files(dicomdir));
        assertTrue(e.getMessage().contains("bad item at byte 10464"), e.getMessage());
        continue;
      }
      if (entry[1].equals("no files")) {
        LumenException e = assertThrows(LumenException.class, () -> DicomDirectory.files(dicomdir));
        assertTrue(e.getMessage().contains("references no files"), e.getMessage());
        continue;
      }
      List<Path> expected = Arrays.stream(entry[1].split(",")).map(f -> folder.resolve(f).toAbsolutePath().normalize())
          .toList();
      assertEquals(expected, DicomDirectory.files(dicomdir), entry[0]);
      compared++;
    }
    assertTrue(compared >= 5, "compared " + compared + " DICOMDIRs");
    assertTrue(!DicomDirectory.isDirectory(References.pydicomFiles().resolve("CT_small.dcm")));
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path tmp) throws IOException {
    Path folder = References.pydicomFiles().resolve("dicomdirtests");
    Files.copy(folder.resolve("DICOMDIR"), tmp.resolve("DICOMDIR"));
    LumenException e = assertThrows(LumenException.class, () -> DicomDirectory.files(tmp.resolve("DICOMDIR")));
    assertTrue(e.getMessage().contains("77654033/CR1/6154") && e.getMessage().contains("missing"), e.getMessage());
  }
}
