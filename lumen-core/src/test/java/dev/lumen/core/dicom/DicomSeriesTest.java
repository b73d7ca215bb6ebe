package dev.lumen.core.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.io.Npy;
import dev.lumen.core.testdata.References;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Series of pydicom's test data (its dicomdirtests folders) read as volumes: ordered by position
 * along the slice normal as pydicom's positions order them, with pydicom's values; folders that
 * are not one evenly spaced series are refused saying why.
 */
class DicomSeriesTest {
  private static final Path REFERENCES = References.ROOT;

  private static Path source() throws IOException {
    return References.pydicomFiles();
  }

  private static List<String[]> series() throws IOException {
    return References.table("series.tsv");
  }

  @Test
  void seriesAreOrderedByPositionWithPydicomsValues() throws IOException {
    int read = 0;
    for (String[] entry : series()) {
      if (!entry[1].endsWith(".npy")) {
        continue;
      }
      DicomSeries s = DicomSeries.read(source().resolve(entry[0]));
      assertEquals(Arrays.asList(entry[2].split(",")), s.files().stream().map(f -> f.getFileName().toString()).toList(),
          entry[0] + ": ordered along the normal, not by name");
      float[] expected = Npy.read(REFERENCES.resolve(entry[1])).tensor().unsafeData();
      int plane = expected.length / s.files().size();
      for (int z = 0; z < s.files().size(); z++) {
        float[] shown = s.volume().slices().get(z).pixels().unsafeData();
        for (int i = 0; i < plane; i++) {
          assertEquals(DicomImages.voi(expected[z * plane + i], s.window()), shown[i], 1e-3, entry[0] + " slice " + z);
        }
      }
      assertTrue(s.sliceSpacing() > 0, "spacing from the positions");
      for (int z = 0; z < s.files().size(); z++) {
        // the headers kept for derived objects: each slice's own attributes, in volume order, without pixels
        DicomDataset parsed = DicomParser.read(s.files().get(z));
        DicomDataset kept = s.headers().get(z);
        assertTrue(kept.element(DicomDictionary.PIXEL_DATA).isEmpty() && kept.encapsulated() == null, entry[0]);
        assertEquals(parsed.elements().size() - 1, kept.elements().size(), entry[0] + " slice " + z);
        assertEquals(parsed.text(DicomDictionary.SOP_INSTANCE_UID, "?"),
            kept.text(DicomDictionary.SOP_INSTANCE_UID, ""));
      }
      read++;
    }
    assertTrue(read >= 1, "read " + read + " series");
  }

  @Test
  void foldersThatAreNotOneSeriesAreRefusedSayingWhy() throws IOException {
    for (String[] entry : series()) {
      if (entry[1].endsWith(".npy")) {
        continue;
      }
      Path folder = source().resolve(entry[0]);
      LumenException e = assertThrows(LumenException.class, () -> DicomSeries.read(folder), entry[0]);
      String expected = switch (entry[1]) {
        case "several series" -> "series";
        case "mixed orientations" -> "orientation";
        case "uneven positions" -> "a slice is missing";
        default -> "";
      };
      assertTrue(e.getMessage().contains(expected) && !e.getMessage().contains("\n"), entry[0] + ": " + e.getMessage());
    }
  }

  @Test
  void aMissingOrDoubledSliceIsNamed(@TempDir Path tmp) throws IOException {
    String[] ct = series().stream().filter(e -> e[0].endsWith("CT5N")).findFirst().orElseThrow();
    String[] order = ct[2].split(",");
    Path gap = Files.createDirectories(tmp.resolve("gap"));
    Path twice = Files.createDirectories(tmp.resolve("twice"));
    for (String name : order) {
      Path file = source().resolve(ct[0]).resolve(name);
      if (!name.equals(order[2])) {
        Files.copy(file, gap.resolve(name));
      }
      Files.copy(file, twice.resolve(name));
    }
    Files.copy(source().resolve(ct[0]).resolve(order[1]), twice.resolve("copy-of-" + order[1]));
    LumenException missing = assertThrows(LumenException.class, () -> DicomSeries.read(gap));
    assertTrue(missing.getMessage().contains(order[1] + " and " + order[3]) && missing.getMessage()
        .contains("a slice is missing"), missing.getMessage());
    LumenException doubled = assertThrows(LumenException.class, () -> DicomSeries.read(twice));
    assertTrue(doubled.getMessage().contains("at the same position"), doubled.getMessage());
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThrows(LumenException.class, () -> DicomSeries.read(empty));
  }
}
