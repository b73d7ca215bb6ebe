package dev.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.io.Nifti;
import dev.lumen.core.io.Npy;
import dev.lumen.core.testdata.References;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reslicing against its definition: trilinear sampling reproduces a linear function of patient
 * coordinates exactly, so on an oblique, anisotropic volume every resliced voxel inside the source
 * holds the function's value at its own RAS position; and on a real brain volume whose axes are the
 * patient's (mricron-data's ch2, read by nibabel), each plane is nibabel's array reordered.
 */
class ResliceTest {
  private static double f(double[] p) {
    return 0.3 * p[0] - 0.7 * p[1] + 1.1 * p[2] + 5;
  }

  private static double[] apply(double[][] a, double x, double y, double z) {
    double[] p = new double[3];
    for (int r = 0; r < 3; r++) {
      p[r] = a[r][0] * x + a[r][1] * y + a[r][2] * z + a[r][3];
    }
    return p;
  }

  @Test
  void aLinearFunctionOfPatientSpaceIsKeptInEveryPlane() {
    int w = 20;
    int h = 16;
    int d = 12;
    double a = Math.toRadians(30);
    double b = Math.toRadians(20);
    // rotations about z then x, spacings 1.2, 0.9 and 2.5 mm
    double[][] rotation = {{Math.cos(a), -Math.sin(a) * Math.cos(b), Math.sin(a) * Math.sin(b)},
        {Math.sin(a), Math.cos(a) * Math.cos(b), -Math.cos(a) * Math.sin(b)}, {0, Math.sin(b), Math.cos(b)}};
    double[] spacing = {1.2, 0.9, 2.5};
    double[][] affine = new double[4][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        affine[r][c] = rotation[r][c] * spacing[c];
      }
    }
    affine[0][3] = -7;
    affine[1][3] = 12;
    affine[2][3] = 30;
    affine[3][3] = 1;
    List<Image> slices = new ArrayList<>();
    for (int z = 0; z < d; z++) {
      float[] values = new float[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          values[y * w + x] = (float) f(apply(affine, x, y, z));
        }
      }
      slices.add(Image.gray("s" + z, values, w, h, 255));
    }
    Volume volume = new Volume("oblique", slices);
    for (Reslice.Plane plane : Reslice.Plane.values()) {
      Reslice.Resliced r = Reslice.of(Path.of("oblique"), volume, affine, plane);
      assertEquals(0.9, Math.abs(r.affine()[0][0]) + Math.abs(r.affine()[1][0]) + Math.abs(r.affine()[2][0]), 1e-9,
          "isotropic at the finest spacing");
      int inside = 0;
      for (int k = 0; k < r.volume().depth(); k++) {
        Image s = r.volume().slices().get(k);
        for (int j = 0; j < s.height(); j++) {
          for (int i = 0; i < s.width(); i++) {
            double[] p = apply(r.affine(), i, j, k);
            double[] q = apply(inverse(affine), p[0], p[1], p[2]);
            float got = s.pixels().unsafeData()[j * s.width() + i];
            if (q[0] >= 0 && q[1] >= 0 && q[2] >= 0 && q[0] <= w - 1 && q[1] <= h - 1 && q[2] <= d - 1) {
              assertEquals(f(p), got, 1e-3, plane + " voxel " + i + "," + j + "," + k);
              inside++;
            } else if (q[0] < -1e-3 || q[1] < -1e-3 || q[2] < -1e-3 || q[0] > w - 1 + 1e-3 || q[1] > h - 1 + 1e-3
                || q[2] > d - 1 + 1e-3) {
              assertEquals(0, got, plane + " outside the source");
            }
          }
        }
      }
      assertTrue(inside > w * h * d, plane + ": " + inside + " voxels inside the source");
    }
  }

  @Test
  void anAxisAlignedBrainIsNibabelsArrayReordered() throws IOException {
    String[] entry = References.table("nifti.tsv").stream().filter(e -> e[0].endsWith("/ch2.nii.gz")).findFirst()
        .orElseThrow(() -> new AssertionError("no ch2.nii.gz of mricron-data in the references"));
    Tensor data = Npy.read(References.ROOT.resolve(entry[1] + ".npy")).tensor();   // nibabel's [x][y][z]
    int nx = data.dim(0);
    int ny = data.dim(1);
    int nz = data.dim(2);
    float[] v = data.unsafeData();
    Nifti nifti = Nifti.read(Path.of(entry[0]));
    Volume volume = Images.niftiVolume(nifti);
    double[][] affine = Images.niftiSliceAffine(nifti);
    for (Reslice.Plane plane : Reslice.Plane.values()) {
      Volume r = Reslice.of(Path.of(entry[0]), volume, affine, plane).volume();
      int[] size = switch (plane) {
        case AXIAL -> new int[] {nx, ny, nz};
        case CORONAL -> new int[] {nx, nz, ny};
        case SAGITTAL -> new int[] {ny, nz, nx};
      };
      assertEquals(size[2], r.depth(), plane + " slices");
      for (int k = 0; k < size[2]; k += 7) {
        float[] got = r.slices().get(k).pixels().unsafeData();
        assertEquals(size[0] * size[1], got.length, plane + " slice size");
        for (int j = 0; j < size[1]; j++) {
          for (int i = 0; i < size[0]; i++) {
            int[] xyz = switch (plane) {
              case AXIAL -> new int[] {nx - 1 - i, ny - 1 - j, k};
              case CORONAL -> new int[] {nx - 1 - i, k, nz - 1 - j};
              case SAGITTAL -> new int[] {k, ny - 1 - i, nz - 1 - j};
            };
            float want = v[(xyz[0] * ny + xyz[1]) * nz + xyz[2]];
            if (want != got[j * size[0] + i]) {
              throw new AssertionError(plane + " slice " + k + " pixel " + i + "," + j + ": " + got[j * size[0] + i]
                  + ", nibabel's voxel " + java.util.Arrays.toString(xyz) + " is " + want);
            }
          }
        }
      }
    }
  }

  private static double[][] inverse(double[][] a) {
    org.ejml.data.DMatrixRMaj m = new org.ejml.data.DMatrixRMaj(a);
    org.ejml.dense.row.CommonOps_DDRM.invert(m);
    double[][] out = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        out[r][c] = m.get(r, c);
      }
    }
    return out;
  }
}
