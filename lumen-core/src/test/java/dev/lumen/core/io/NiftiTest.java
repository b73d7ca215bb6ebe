package dev.lumen.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.tensor.Tensor;
import dev.lumen.core.testdata.References;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lumen's NIfTI reader on nibabel's own test files (Debian's python3-nibabel: NIfTI-1 and -2,
 * both byte orders, gzipped, 4D, sform and qform) and on a scaled big-endian file nibabel
 * writes, and on the real brain MRI volumes and atlases of Debian's mricron-data, against
 * nibabel's voxels and affines ({@code scripts/make-dicom-references.py}).
 */
class NiftiTest {
  private static final Path REFERENCES = References.ROOT;

  /**
   * What {@link NiftiWriter} writes Lumen reads back as it was: every slice's pixels in their
   * rows, and the (column, row, slice) affine given, oblique and off-centre.
   */
  @Test
  void aWrittenVolumeReadsBackAsItWas(@TempDir Path tmp) throws IOException {
    java.util.Random random = new java.util.Random(3);
    java.util.List<dev.lumen.core.image.Image> slices = new java.util.ArrayList<>();
    for (int z = 0; z < 4; z++) {
      float[] px = new float[5 * 7];
      for (int i = 0; i < px.length; i++) {
        px[i] = random.nextFloat();
      }
      slices.add(new dev.lumen.core.image.Image("s" + z, Tensor.of(px, 1, 7, 5), 1f));
    }
    double[][] affine = {{0.8, 0.3, 0, -20}, {-0.2, 0.9, 0.1, 31}, {0, -0.1, 2.5, 7}, {0, 0, 0, 1}};
    Path file = tmp.resolve("written.nii.gz");
    NiftiWriter.write(file, new dev.lumen.core.image.Volume("v", slices), affine);
    Nifti nifti = Nifti.read(file);
    var read = dev.lumen.core.image.Images.niftiVolume(nifti);
    assertEquals(4, read.depth());
    for (int z = 0; z < 4; z++) {
      assertArrayEquals(slices.get(z).pixels().unsafeData(), read.slices().get(z).pixels().unsafeData(), "slice " + z);
    }
    double[][] back = dev.lumen.core.image.Images.niftiSliceAffine(nifti);
    for (int r = 0; r < 4; r++) {
      assertArrayEquals(affine[r], back[r], 1e-5, "affine row " + r);
    }
  }

  @Test
  void voxelsAndAffinesAreNibabels() throws IOException {
    int compared = 0;
    int mricron = 0;
    for (String[] entry : References.table("nifti.tsv")) {
      if (entry.length < 2 || !entry[1].startsWith("nifti-")) {
        continue;
      }
      Path file = Path.of(entry[0]);
      Tensor expected = readAllowingNaN(REFERENCES.resolve(entry[1] + ".npy"));
      if (expected == null) {
        // nibabel gives NaN voxels; Lumen refuses a study holding them, naming the file
        LumenException e = assertThrows(LumenException.class, () -> Nifti.read(file), entry[0]);
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        continue;
      }
      Nifti nifti = Nifti.read(file);
      long[] shape = expected.shape();
      assertArrayEquals(Arrays.stream(shape).mapToInt(l -> (int) l).toArray(), nifti.dims(), entry[0]);
      // nibabel's array is C order over (x, y, z, ...); the file's order has x fastest
      float[] want = expected.unsafeData();
      int[] at = new int[shape.length];
      for (int c = 0; c < want.length; c++) {
        int rest = c;
        for (int d = shape.length - 1; d >= 0; d--) {
          at[d] = rest % (int) shape[d];
          rest /= (int) shape[d];
        }
        int fortran = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
          fortran = fortran * (int) shape[d] + at[d];
        }
        assertEquals(want[c], nifti.values()[fortran], 1e-5 * Math.max(1, Math.abs(want[c])), entry[0] + " voxel " + c);
      }
      float[] affine = Npy.read(REFERENCES.resolve(entry[1] + ".affine.npy")).tensor().unsafeData();
      for (int r = 0; r < 4; r++) {
        for (int col = 0; col < 4; col++) {
          assertEquals(affine[4 * r + col], nifti.affine()[r][col], 1e-4, entry[0] + " affine " + r + "," + col);
        }
      }
      compared++;
      mricron += entry[0].contains("mricron") ? 1 : 0;
    }
    assertTrue(compared >= 24 && mricron >= 13, "compared " + compared + ", of them " + mricron + " of mricron-data");
  }

  /** A 4D time series gives the volume asked for, as nibabel's array holds it; without a frame it is refused. */
  @Test
  void aFrameOfATimeSeriesIsNibabelsVolume() throws IOException {
    String[] entry = References.table("nifti.tsv").stream().filter(e -> e[0].endsWith("example4d.nii.gz")).findFirst()
        .orElseThrow();
    Tensor expected = Npy.read(REFERENCES.resolve(entry[1] + ".npy")).tensor();   // [x][y][z][t]
    int nx = expected.dim(0);
    int ny = expected.dim(1);
    int nz = expected.dim(2);
    int nt = expected.dim(3);
    Nifti nifti = Nifti.read(Path.of(entry[0]));
    for (int t = 0; t < nt; t++) {
      dev.lumen.core.image.Volume v = dev.lumen.core.image.Images.niftiVolume(nifti, t);
      assertEquals(nz, v.depth());
      for (int z = 0; z < nz; z += 5) {
        float[] slice = v.slices().get(z).pixels().unsafeData();
        for (int r = 0; r < ny; r++) {
          for (int x = 0; x < nx; x++) {
            // rows run from the last y to the first, as the volume's slices show them
            assertEquals(expected.get(((x * ny + (ny - 1 - r)) * nz + z) * nt + t), slice[r * nx + x], 1e-4,
                "frame " + t + " slice " + z);
          }
        }
      }
    }
    LumenException e = assertThrows(LumenException.class, () -> dev.lumen.core.image.Images.niftiVolume(nifti));
    assertTrue(e.getMessage().contains("pick one with --frame 0..1"), e.getMessage());
    assertThrows(LumenException.class, () -> dev.lumen.core.image.Images.niftiVolume(nifti, nt));
  }

  /** The reference, or null when it holds NaN (which Lumen's own reader refuses). */
  private static Tensor readAllowingNaN(Path reference) {
    try {
      return Npy.read(reference).tensor();
    } catch (LumenException e) {
      if (e.getMessage().contains("NaN")) {
        return null;
      }
      throw e;
    }
  }

  @Test
  void brokenFilesAreRefusedNamingThem(@TempDir Path tmp) throws IOException {
    Path anatomical = Path.of(References.table("nifti.tsv").get(0)[0]);
    byte[] bytes = Files.readAllBytes(anatomical);
    for (int cut : new int[] {2, 200, 400, bytes.length - 10}) {
      Path file = Files.write(tmp.resolve("cut-" + cut + ".nii"), Arrays.copyOf(bytes, cut));
      LumenException e = assertThrows(LumenException.class, () -> Nifti.read(file), "cut at " + cut);
      assertTrue(e.getMessage().startsWith(file.toString()) && !e.getMessage().contains("\n"), e.getMessage());
    }
    byte[] lying = bytes.clone();
    // dim[1] (big-endian int16 at byte 42) far larger than the data
    lying[42] = 0x7F;
    lying[43] = 0x00;
    Path file = Files.write(tmp.resolve("lying.nii"), lying);
    LumenException e = assertThrows(LumenException.class, () -> Nifti.read(file));
    assertTrue(e.getMessage().contains("but the file holds"), e.getMessage());
  }

  @Test
  void aVolumeIsItsZSlicesWithAnteriorUp() throws IOException {
    Path scaled = REFERENCES.resolve("scaled-big-endian.nii.gz");
    Tensor expected = Npy.read(REFERENCES.resolve("nifti-scaled.npy")).tensor();   // (x, y, z) in C order
    int nx = expected.dim(0);
    int ny = expected.dim(1);
    int nz = expected.dim(2);
    dev.lumen.core.image.Volume volume = dev.lumen.core.image.Images.readNiftiVolume(scaled);
    assertEquals(nz, volume.depth());
    for (int z = 0; z < nz; z++) {
      float[] slice = volume.slices().get(z).pixels().unsafeData();
      for (int r = 0; r < ny; r++) {
        for (int c = 0; c < nx; c++) {
          assertEquals(expected.get((c * ny + (ny - 1 - r)) * nz + z), slice[r * nx + c], 1e-6, z + "," + r + "," + c);
        }
      }
    }
  }
}
