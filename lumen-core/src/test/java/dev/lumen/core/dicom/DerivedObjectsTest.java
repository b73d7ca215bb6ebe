package dev.lumen.core.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.testdata.References;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segmentations and Secondary Captures derived from pydicom's CT image and CT series: valid for
 * David Clunie's {@code dciodvfy} (Debian's dicom3tools, which the test command installs), read
 * back by Lumen's reader pixel for pixel, and filed in the source's study with references to
 * every source instance.
 */
class DerivedObjectsTest {
  private static final Path DCIODVFY = Path.of("/usr/bin/dciodvfy");

  private static List<DicomDataset> series() throws IOException {
    Path folder = References.pydicomFiles().resolve("dicomdirtests/98892001/CT5N");
    return DicomSeries.read(folder).files().stream().map(DicomParser::read).toList();
  }

  private static List<DicomDataset> image() throws IOException {
    return List.of(DicomParser.read(References.pydicomFiles().resolve("CT_small.dcm")));
  }

  @Test
  void aSegmentationOfASeriesIsValidAndReadsBackAsItsMasks(@TempDir Path tmp) throws Exception {
    for (List<DicomDataset> sources : List.of(series(), image())) {
      List<boolean[]> masks = masks(sources, new Random(sources.size()));
      Path file = tmp.resolve(sources.size() + ".seg.dcm");
      DerivedObjects.segmentation(sources, masks, "Nodule", "gradcam", "Grad-CAM of Nodule at 0.5").write(file);
      assertValid(file);
      DicomDataset seg = DicomParser.read(file);
      DicomPixels pixels = DicomPixels.of(seg);
      assertEquals(sources.size(), pixels.frames());
      int perFrame = pixels.rows() * pixels.columns();
      for (int f = 0; f < masks.size(); f++) {
        for (int i = 0; i < perFrame; i++) {
          assertEquals(masks.get(f)[i] ? 1f : 0f, pixels.values()[f * perFrame + i], "frame " + f + " pixel " + i);
        }
      }
      assertFiledWith(seg, sources, file);
      assertEquals("SEG", seg.text(DicomDictionary.MODALITY, ""));
    }
  }

  @Test
  void aSecondaryCaptureReadsBackAsItsOverlays(@TempDir Path tmp) throws Exception {
    for (List<DicomDataset> sources : List.of(series(), image())) {
      int rows = (int) sources.get(0).number(DicomDictionary.ROWS);
      int columns = (int) sources.get(0).number(DicomDictionary.COLUMNS);
      Random random = new Random(3);
      List<BufferedImage> overlays = new ArrayList<>();
      for (int s = 0; s < sources.size(); s++) {
        BufferedImage picture = new BufferedImage(columns, rows, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rows; y++) {
          for (int x = 0; x < columns; x++) {
            picture.setRGB(x, y, random.nextInt(1 << 24));
          }
        }
        overlays.add(picture);
      }
      Path file = tmp.resolve(sources.size() + ".sc.dcm");
      DerivedObjects.secondaryCapture(sources, overlays, "Grad-CAM of Nodule").write(file);
      assertValid(file);
      DicomDataset sc = DicomParser.read(file);
      DicomPixels pixels = DicomPixels.of(sc);
      assertEquals("RGB", pixels.photometric());
      int at = 0;
      for (BufferedImage overlay : overlays) {
        for (int y = 0; y < rows; y++) {
          for (int x = 0; x < columns; x++) {
            int rgb = overlay.getRGB(x, y);
            assertEquals((rgb >> 16) & 0xFF, pixels.values()[at++]);
            assertEquals((rgb >> 8) & 0xFF, pixels.values()[at++]);
            assertEquals(rgb & 0xFF, pixels.values()[at++]);
          }
        }
      }
      assertFiledWith(sc, sources, file);
    }
  }

  private static List<boolean[]> masks(List<DicomDataset> sources, Random random) {
    int pixels = (int) (sources.get(0).number(DicomDictionary.ROWS) * sources.get(0).number(DicomDictionary.COLUMNS));
    List<boolean[]> masks = new ArrayList<>();
    for (int s = 0; s < sources.size(); s++) {
      boolean[] mask = new boolean[pixels];
      for (int i = 0; i < pixels; i++) {
        mask[i] = random.nextInt(3) == 0;
      }
      masks.add(mask);
    }
    return masks;
  }

  /** The derived object is in the source's study, in a series of its own, and names every source instance. */
  private static void assertFiledWith(DicomDataset derived, List<DicomDataset> sources, Path file) throws IOException {
    assertEquals(sources.get(0).text(0x0020_000D, "?"), derived.text(0x0020_000D, ""), "Study Instance UID");
    assertEquals(sources.get(0).text(0x0010_0020, "?"), derived.text(0x0010_0020, ""), "Patient ID");
    assertNotEquals(sources.get(0).text(DicomDictionary.SERIES_INSTANCE_UID, "?"),
        derived.text(DicomDictionary.SERIES_INSTANCE_UID, ""), "a series of its own");
    String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    for (DicomDataset source : sources) {
      assertTrue(bytes.contains(source.text(DicomDictionary.SOP_INSTANCE_UID, "?")), "references "
          + source.file().getFileName());
    }
  }

  /** dciodvfy reports no error (its warnings name the private coding scheme and an unknown laterality). */
  private static void assertValid(Path file) throws Exception {
    assertTrue(Files.isExecutable(DCIODVFY), "no dciodvfy: scripts/test.sh installs Debian's dicom3tools");
    Process p = new ProcessBuilder(DCIODVFY.toString(), file.toString()).redirectErrorStream(true).start();
    String report = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    assertTrue(report.lines().noneMatch(l -> l.startsWith("Error")), file.getFileName() + ":\n" + report);
    assertTrue(report.contains("Segmentation") || report.contains("MultiframeTrueColorSCImage"), report);
  }
}
