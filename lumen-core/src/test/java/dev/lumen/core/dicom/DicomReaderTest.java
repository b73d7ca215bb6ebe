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
      if (entry[2].equals("decoded")) {
        assertSameValues(source().resolve(entry[0]), entry[1], REFERENCES.resolve(entry[0] + ".npy"));
        compared++;
      }
    }
    assertTrue(compared >= 30, "compared " + compared + " files");
  }

  /**
   * The files dcmtk's and GDCM's encoders wrote in JPEG Lossless, 8-bit JPEG Extended and JPEG 2000
   * from pydicom's uncompressed ones: Lumen's values are pydicom's, and for the lossless syntaxes
   * exactly those of the uncompressed source.
   */
  @Test
  void filesOfTheReferenceEncodersGiveTheirValues() throws IOException {
    int lossless = 0;
    for (String[] entry : References.table("encoded.tsv")) {
      Path file = REFERENCES.resolve("encoded").resolve(entry[0]);
      if (!entry[2].equals("decoded")) {
        LumenException e = assertThrows(LumenException.class, () -> DicomPixels.of(DicomParser.read(file)), entry[0]);
        assertTrue(e.getMessage().contains("12-bit"), e.getMessage());
        continue;
      }
      assertSameValues(file, entry[1], REFERENCES.resolve("encoded").resolve(entry[0] + ".npy"));
      if (LOSSLESS.contains(entry[1])) {
        assertSameValues(file, entry[1], REFERENCES.resolve(entry[3] + ".npy"));
        lossless++;
      }
    }
    assertTrue(lossless >= 8, "compared " + lossless + " lossless files with their sources");
  }

  private static final java.util.Set<String> LOSSLESS = java.util.Set.of(
      "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.90");

  /**
   * Lumen's values of {@code file} against {@code reference}: equal up to float rounding, and for
   * the irreversible JPEG 2000 wavelet within one stored unit, since T.800 leaves its decoders'
   * rounding free (OpenJPEG, behind pydicom, and jai-imageio round a few samples differently).
   */
  private static void assertSameValues(Path file, String syntax, Path reference) {
    float[] expected = Npy.read(reference).tensor().unsafeData();
    DicomDataset data = DicomParser.read(file);
    DicomPixels pixels = DicomPixels.of(data);
    double unit = syntax.equals("1.2.840.10008.1.2.4.91") ? Math.abs(data.number(DicomDictionary.RESCALE_SLOPE, 1)) : 0;
    assertEquals(expected.length, pixels.values().length, file.getFileName() + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(expected[i] - pixels.values()[i]) > unit + 1e-4 * Math.max(1, Math.abs(expected[i]))) {
        throw new AssertionError(file.getFileName() + " (" + syntax + "): value " + i + " is " + pixels.values()[i]
            + ", " + reference.getFileName() + " says " + expected[i]);
      }
    }
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

  /** GDCM wrote this lossless file with more tile-parts than its headers count; decoded, it would come out lossy. */
  @Test
  void aJpeg2000StreamWithUncountedTilePartsIsRefused() throws IOException {
    LumenException e = assertThrows(LumenException.class,
        () -> DicomPixels.of(DicomParser.read(source().resolve("GDCMJ2K_TextGBR.dcm"))));
    assertTrue(e.getMessage().contains("has 6 tile-parts, but its headers say 5"), e.getMessage());
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
