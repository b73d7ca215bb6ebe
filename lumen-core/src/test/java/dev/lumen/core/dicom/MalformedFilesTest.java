package dev.lumen.core.dicom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.image.Images;
import dev.lumen.core.io.Nifti;
import dev.lumen.core.testdata.References;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real DICOM and NIfTI files damaged at random — bytes overwritten in the header and the data,
 * the file cut short — are read or refused with a one-line error naming the file: never another
 * exception, never an allocation the header made up.
 */
class MalformedFilesTest {

  /** Damages {@code original} 60 ways; returns how many of them were refused. */
  private static int damaged(Path original, Path tmp, Random random) throws IOException {
    int refused = 0;
    byte[] bytes = Files.readAllBytes(original);
    for (int trial = 0; trial < 60; trial++) {
      byte[] copy = bytes.clone();
      int changes = 1 + random.nextInt(8);
      for (int c = 0; c < changes; c++) {
        // mostly in the first kilobyte, where the header and the lengths are
        int at = random.nextInt(4) == 0 ? random.nextInt(copy.length) : random.nextInt(Math.min(1024, copy.length));
        copy[at] = (byte) (random.nextBoolean() ? 0xFF : random.nextInt(256));
      }
      if (random.nextInt(3) == 0) {
        copy = java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
      }
      Path file = Files.write(tmp.resolve(trial + "-" + original.getFileName()), copy);
      try {
        if (Images.isNifti(file)) {
          Nifti.read(file);
        } else {
          DicomImages.read(file);
        }
      } catch (LumenException e) {
        refused++;
        assertTrue(e.getMessage().startsWith(file.toString()) && !e.getMessage().contains("\n"), e.getMessage());
      } catch (RuntimeException | OutOfMemoryError e) {
        throw new AssertionError(file + " (damaged " + original.getFileName() + ", trial " + trial + ") threw " + e, e);
      }
    }
    return refused;
  }

  @Test
  void damagedFilesAreReadOrRefusedNamingThem(@TempDir Path tmp) throws IOException {
    Path pydicom = References.pydicomFiles();
    Random random = new Random(11);
    int refused = 0;
    for (String name : List.of("CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm",
        "SC_rgb_rle_2frame.dcm", "image_dfl.dcm", "liver_1frame.dcm", "rtdose.dcm", "SC_ybr_full_422_uncompressed.dcm", "SC_rgb_jpeg_dcmtk.dcm", "JPEG-lossy.dcm", "MR_small_jp2klossless.dcm", "JPEG2000.dcm",
        "SC_rgb_jpeg_gdcm.dcm")) {
      refused += damaged(pydicom.resolve(name), tmp, random);
    }
    for (String name : List.of("CT_small.jpeg-sv1.dcm", "SC_rgb_2frame.j2k.dcm")) {
      refused += damaged(References.ROOT.resolve("encoded").resolve(name), tmp, random);
    }
    for (String[] entry : References.table("nifti.tsv")) {
      if (entry.length == 2 && entry[1].startsWith("nifti-") && !entry[0].contains("mricron")) {
        refused += damaged(Path.of(entry[0]), tmp, random);
      }
    }
    // the damage is real: many files no longer make sense
    assertTrue(refused > 250, refused + " of " + 60 * 23 + " damaged files refused");
  }
}
