package dev.lumen.core.io;

import dev.lumen.core.image.Image;
import dev.lumen.core.image.Volume;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a volume as a NIfTI-1 file ({@code .nii}, or gzipped when the name ends in
 * {@code .gz}): float32 voxels, x along a slice's columns, y up its rows (the last row at y = 0),
 * z along the slices, and the affine from those indices to world coordinates (RAS, millimetres)
 * as the sform (code 1, scanner anatomical), so the file overlays its source in any NIfTI viewer
 * and Lumen reads it back as the volume written ({@link dev.lumen.core.image.Images#niftiVolume}
 * puts y = 0 last). Whole or not at all.
 */
public final class NiftiWriter {
  private NiftiWriter() {}

  /** Writes the grey {@code volume} with {@code affine} ({@code [4][4]}, (column, row, slice) to world). */
  public static void write(Path file, Volume volume, double[][] affine) throws IOException {
    Image first = volume.slices().get(0);
    int nx = first.width();
    int ny = first.height();
    int nz = volume.depth();
    affine = Nifti.rowsFlipped(affine, ny);
    ByteBuffer header = ByteBuffer.allocate(352).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(0, 348);
    short[] dim = {3, (short) nx, (short) ny, (short) nz, 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) {
      header.putShort(40 + 2 * i, dim[i]);
    }
    header.putShort(70, (short) 16);    // float32
    header.putShort(72, (short) 32);
    header.putFloat(76, 1);             // qfac
    for (int axis = 0; axis < 3; axis++) {
      double norm = Math.sqrt(affine[0][axis] * affine[0][axis] + affine[1][axis] * affine[1][axis]
          + affine[2][axis] * affine[2][axis]);
      header.putFloat(80 + 4 * axis, (float) norm);
    }
    header.putFloat(108, 352);          // vox_offset
    header.putFloat(112, 1);            // scl_slope: the values as they are
    header.put(123, (byte) 10);         // xyzt_units: millimetres and seconds
    header.putShort(252, (short) 0);    // no qform
    header.putShort(254, (short) 1);    // sform: scanner anatomical
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        header.putFloat(280 + 16 * r + 4 * c, (float) affine[r][c]);
      }
    }
    byte[] magic = "n+1\0".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 4; i++) {
      header.put(344 + i, magic[i]);
    }
    ByteBuffer voxels = ByteBuffer.allocate(nx * ny * nz * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (Image slice : volume.slices()) {
      if (slice.width() != nx || slice.height() != ny || slice.channels() != 1) {
        throw new IllegalArgumentException("a NIfTI volume needs grey slices of one size");
      }
      float[] px = slice.pixels().unsafeData();
      for (int y = 0; y < ny; y++) {
        int row = ny - 1 - y;
        for (int x = 0; x < nx; x++) {
          voxels.putFloat(px[row * nx + x]);
        }
      }
    }
    boolean gzip = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz");
    AtomicFiles.write(file, out -> {
      OutputStream target = gzip ? new GZIPOutputStream(out) : out;
      target.write(header.array());
      target.write(voxels.array());
      if (gzip) {
        ((GZIPOutputStream) target).finish();
      }
    });
  }
}
