package dev.lumen.core.image;

import dev.lumen.core.LumenException;
import dev.lumen.core.MemoryBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A volume resliced in patient space into axial, coronal or sagittal slices: a grid aligned with
 * the patient's axes (RAS), isotropic at the source's finest voxel spacing and covering the whole
 * source, sampled trilinearly (zero outside the source). Slices are shown as radiologists read
 * them: the patient's right on the image's left; anterior up in axial slices, superior up in
 * coronal and sagittal ones (anterior on the left). So a plane model (MRNet's sagittal, coronal
 * and axial models) can be fed a series or a NIfTI volume acquired in any orientation.
 */
public final class Reslice {
  /** The anatomical planes, each with its column, row and slice directions in RAS. */
  public enum Plane {
    /** Slices from inferior to superior; columns toward the patient's left, rows toward posterior. */
    AXIAL(new double[] {-1, 0, 0}, new double[] {0, -1, 0}, new double[] {0, 0, 1}),
    /** Slices from posterior to anterior; columns toward the patient's left, rows toward inferior. */
    CORONAL(new double[] {-1, 0, 0}, new double[] {0, 0, -1}, new double[] {0, 1, 0}),
    /** Slices from the patient's left to right; columns toward posterior, rows toward inferior. */
    SAGITTAL(new double[] {0, -1, 0}, new double[] {0, 0, -1}, new double[] {1, 0, 0});

    private final double[][] axes;

    Plane(double[] column, double[] row, double[] slice) {
      this.axes = new double[][] {column, row, slice};
    }

    /** The plane named {@code name} (any case). */
    public static Plane of(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--plane is axial, coronal or sagittal, not '" + name + "'");
      }
    }
  }

  /** A resliced volume, the affine of its (column, row, slice) indices to RAS mm, and its voxels' spacing (mm). */
  public record Resliced(Volume volume, double[][] affine, double spacing) {}

  /** The most voxels a reslice may have. */
  private static final long MAX_VOXELS = 1L << 28;

  private Reslice() {}

  /**
   * Reslices {@code volume}, whose (column, row, slice) indices {@code affine} maps to RAS mm, into
   * {@code plane}.
   *
   * @throws LumenException naming {@code file} for a volume without a geometry in patient space
   *     ({@code affine} null: a {@code .npy} array, a multi-frame DICOM file), a colour volume, an
   *     affine that maps the
   *     volume onto less than a volume, or a reslice too large for Lumen or the heap
   */
  public static Resliced of(Path file, Volume volume, double[][] affine, Plane plane) {
    if (affine == null) {
      throw new LumenException(file, "has no geometry in patient space (a .npy array, a multi-frame DICOM file); "
          + "reslicing takes NIfTI volumes and DICOM series");
    }
    if (!volume.slices().get(0).isGray()) {
      throw new LumenException(file, "is a colour volume; Lumen reslices grey volumes");
    }
    double[][] inverse = invert(file, affine);
    int w = volume.slices().get(0).width();
    int h = volume.slices().get(0).height();
    int d = volume.depth();
    double spacing = Double.MAX_VALUE;
    for (int axis = 0; axis < 3; axis++) {
      double length = Math.sqrt(affine[0][axis] * affine[0][axis] + affine[1][axis] * affine[1][axis]
          + affine[2][axis] * affine[2][axis]);
      spacing = Math.min(spacing, length);
    }
    // the source's corners along each output axis: where the grid starts and how far it reaches
    double[] start = new double[3];
    int[] size = new int[3];
    for (int axis = 0; axis < 3; axis++) {
      double low = Double.MAX_VALUE;
      double high = -Double.MAX_VALUE;
      for (int corner = 0; corner < 8; corner++) {
        double[] p = apply(affine, (corner & 1) * (w - 1.0), ((corner >> 1) & 1) * (h - 1.0), ((corner >> 2) & 1)
            * (d - 1.0));
        double along = dot(p, plane.axes[axis]);
        low = Math.min(low, along);
        high = Math.max(high, along);
      }
      start[axis] = low;
      long n = (long) Math.floor((high - low) / spacing + 1e-6) + 1;
      if (n > MAX_VOXELS) {
        throw new LumenException(file, "resliced at " + spacing + " mm would be " + n + " voxels long");
      }
      size[axis] = (int) n;
    }
    long voxels = (long) size[0] * size[1] * size[2];
    if (voxels > MAX_VOXELS) {
      throw new LumenException(file, String.format(Locale.ROOT, "resliced %s at %.3g mm it would be %dx%dx%d voxels, "
          + "more than the %d Lumen reslices", plane.name().toLowerCase(Locale.ROOT), spacing, size[0], size[1],
          size[2], MAX_VOXELS));
    }
    MemoryBudget.require(file, voxels * 2 * Float.BYTES, "reslicing into " + size[0] + "x" + size[1] + "x" + size[2]);
    // the output grid's affine: columns, rows and slices of one spacing along the plane's axes
    double[][] out = new double[4][4];
    for (int r = 0; r < 3; r++) {
      for (int axis = 0; axis < 3; axis++) {
        out[r][axis] = plane.axes[axis][r] * spacing;
        out[r][3] += plane.axes[axis][r] * start[axis];
      }
    }
    out[3][3] = 1;
    float[][] source = new float[d][];
    for (int s = 0; s < d; s++) {
      source[s] = volume.slices().get(s).pixels().unsafeData();
    }
    float top = volume.slices().get(0).maxValue();
    double[][] toSource = multiply(inverse, out);
    List<Image> slices = IntStream.range(0, size[2]).parallel().mapToObj(k -> {
      float[] values = new float[size[0] * size[1]];
      for (int j = 0; j < size[1]; j++) {
        for (int i = 0; i < size[0]; i++) {
          double[] q = apply(toSource, i, j, k);
          values[j * size[0] + i] = sample(source, w, h, d, q[0], q[1], q[2]);
        }
      }
      return Image.gray(volume.source() + " " + plane.name().toLowerCase(Locale.ROOT) + " " + k, values, size[0],
          size[1], top);
    }).toList();
    return new Resliced(new Volume(volume.source(), new ArrayList<>(slices)), out, spacing);
  }

  /** The trilinear value at source index (x, y, z): column, row, slice; zero outside the source. */
  private static float sample(float[][] source, int w, int h, int d, double x, double y, double z) {
    // a point within rounding of the edge is on it, so an aligned grid samples the voxels exactly
    x = snap(x, w);
    y = snap(y, h);
    z = snap(z, d);
    if (x < 0 || y < 0 || z < 0 || x > w - 1 || y > h - 1 || z > d - 1) {
      return 0;
    }
    int x0 = Math.min((int) x, w - 1);
    int y0 = Math.min((int) y, h - 1);
    int z0 = Math.min((int) z, d - 1);
    int x1 = Math.min(x0 + 1, w - 1);
    int y1 = Math.min(y0 + 1, h - 1);
    int z1 = Math.min(z0 + 1, d - 1);
    double fx = x - x0;
    double fy = y - y0;
    double fz = z - z0;
    double c00 = source[z0][y0 * w + x0] * (1 - fx) + source[z0][y0 * w + x1] * fx;
    double c10 = source[z0][y1 * w + x0] * (1 - fx) + source[z0][y1 * w + x1] * fx;
    double c01 = source[z1][y0 * w + x0] * (1 - fx) + source[z1][y0 * w + x1] * fx;
    double c11 = source[z1][y1 * w + x0] * (1 - fx) + source[z1][y1 * w + x1] * fx;
    return (float) ((c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz);
  }

  private static double snap(double v, int n) {
    double nearest = Math.rint(v);
    return Math.abs(v - nearest) < 1e-6 ? nearest : v;
  }

  private static double[] apply(double[][] a, double x, double y, double z) {
    return new double[] {a[0][0] * x + a[0][1] * y + a[0][2] * z + a[0][3],
        a[1][0] * x + a[1][1] * y + a[1][2] * z + a[1][3], a[2][0] * x + a[2][1] * y + a[2][2] * z + a[2][3]};
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    double[][] c = new double[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 4; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }

  /** The inverse of an affine (EJML's LU inversion). */
  private static double[][] invert(Path file, double[][] a) {
    DMatrixRMaj m = new DMatrixRMaj(a);
    DMatrixRMaj inverse = new DMatrixRMaj(4, 4);
    double det = CommonOps_DDRM.det(m);
    if (!(Math.abs(det) > 1e-12) || !Double.isFinite(det) || !CommonOps_DDRM.invert(m, inverse)) {
      throw new LumenException(file, "has an affine that does not span three dimensions, so it cannot be resliced");
    }
    double[][] out = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        out[r][c] = inverse.get(r, c);
      }
    }
    return out;
  }
}
