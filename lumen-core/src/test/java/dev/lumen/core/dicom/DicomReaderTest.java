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
 * Lumen's DICOM reader on pydicom's own test files (Debian's python3-pydicom), against the
 * pixel values pydicom decodes from them ({@code scripts/make-dicom-references.py}, run by
 * {@code scripts/test.sh}): every file pydicom decodes in a syntax Lumen reads gives the same
 * values; every other one is refused with a one-line error naming the file.
 */
class DicomReaderTest {
  private static final Path REFERENCES = References.ROOT;

  private static List<String[]> index() throws IOException {
    return References.table("index.tsv");
  }

  private static Path source() throws IOException {
    return References.pydicomFiles();
  }

  @Test
  void everyFilePydicomDecodesGivesItsValues() throws IOException {
    int compared = 0;
    for (String[] entry : index()) {
      if (!entry[2].equals("decoded")) {
        continue;
      }
      Path file = source().resolve(entry[0]);
      float[] expected = Npy.read(REFERENCES.resolve(entry[0] + ".npy")).tensor().unsafeData();
      DicomPixels pixels = DicomPixels.of(DicomParser.read(file));
      assertEquals(expected.length, pixels.values().length, entry[0] + ": number of values");
      for (int i = 0; i < expected.length; i++) {
        if (Math.abs(expected[i] - pixels.values()[i]) > 1e-4 * Math.max(1, Math.abs(expected[i]))) {
          throw new AssertionError(entry[0] + " (" + entry[1] + "): value " + i + " is " + pixels.values()[i]
              + ", pydicom's " + expected[i]);
        }
      }
      compared++;
    }
    assertTrue(compared >= 25, "compared " + compared + " files");
  }

  @Test
  void everyOtherFileIsRefusedNamingIt() throws IOException {
    for (String[] entry : index()) {
      if (entry[2].equals("decoded")) {
        continue;
      }
      Path file = source().resolve(entry[0]);
      LumenException e = assertThrows(LumenException.class, () -> DicomPixels.of(DicomParser.read(file)),
          entry[0] + " (" + entry[2] + ")");
      assertTrue(e.getMessage().contains(entry[0]) && !e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void syntaxesLumenDoesNotDecodeAreNamed() throws IOException {
    LumenException e = assertThrows(LumenException.class,
        () -> DicomPixels.of(DicomParser.read(source().resolve("MR_small_jpeg_ls_lossless.dcm"))));
    assertTrue(e.getMessage().contains("JPEG-LS Lossless (1.2.840.10008.1.2.4.80)"), e.getMessage());
  }

  @Test
  void truncatedAndLyingFilesAreRefused(@TempDir Path tmp) throws IOException {
    byte[] ct = Files.readAllBytes(source().resolve("CT_small.dcm"));
    for (int cut : new int[] {10, 140, 400, ct.length / 2, ct.length - 1}) {
      Path file = Files.write(tmp.resolve("cut-" + cut + ".dcm"), Arrays.copyOf(ct, cut));
      LumenException e = assertThrows(LumenException.class, () -> DicomPixels.of(DicomParser.read(file)),
          "cut at " + cut);
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }
    Path notDicom = Files.write(tmp.resolve("notes.dcm"), "hello, this is not an image".getBytes());
    assertThrows(LumenException.class, () -> DicomParser.read(notDicom));
  }

  @Test
  void colourFramesAreRgbAsPydicomConvertsThem() throws IOException {
    int compared = 0;
    for (String[] entry : index()) {
      Path reference = REFERENCES.resolve(entry[0] + ".rgb.npy");
      if (!Files.isRegularFile(reference)) {
        continue;
      }
      float[] expected = Npy.read(reference).tensor().unsafeData();
      DicomImages.Frames frames = DicomImages.read(source().resolve(entry[0]));
      float[] planar = frames.frames().get(0).pixels().unsafeData();
      int plane = planar.length / 3;
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < 3; c++) {
          // pydicom rounds its conversion to whole numbers
          assertEquals(expected[3 * p + c], planar[c * plane + p], 1.0, entry[0] + " pixel " + p + " channel " + c);
        }
      }
      compared++;
    }
    assertTrue(compared >= 1, "compared " + compared + " YBR files");
  }

  @Test
  void greyFramesGoThroughTheFilesWindowOrARobustOne() throws IOException {
    Path ct = source().resolve("CT_small.dcm");
    DicomDataset data = DicomParser.read(ct);
    DicomImages.Frames frames = DicomImages.read(ct);
    DicomImages.Window window = frames.window();
    float[] values = DicomPixels.of(data).values();
    float[] shown = frames.frames().get(0).pixels().unsafeData();
    for (int i = 0; i < values.length; i++) {
      double c = window.centre();
      double w = window.width();
      double expected = values[i] <= c - 0.5 - (w - 1) / 2 ? 0 : values[i] > c - 0.5 + (w - 1) / 2 ? 255
          : ((values[i] - (c - 0.5)) / (w - 1) + 0.5) * 255;
      assertEquals(expected, shown[i], 1e-3, "pixel " + i);
    }
    assertEquals(data.element(DicomDictionary.WINDOW_CENTER).isPresent() ? "file" : "automatic", window.source());
  }
}
