package dev.lumen.app.demodata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.app.exam.MrnetSplit;
import dev.lumen.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KneeExamTest {
  private static final int SIZE = 64;
  private static final int EXAMS = 20;

  @Test
  void theSameSeedDrawsTheSameExam() {
    KneeExam a = KneeExam.draw(7, SIZE);
    KneeExam b = KneeExam.draw(7, SIZE);
    KneeExam c = KneeExam.draw(8, SIZE);
    for (KneePlane plane : KneePlane.values()) {
      assertArrayEquals(a.stack(plane).voxels(), b.stack(plane).voxels(), plane.folder());
      assertEquals(a.stack(plane).masks().keySet(), b.stack(plane).masks().keySet());
      assertFalse(Arrays.equals(a.stack(plane).voxels(), c.stack(plane).voxels()), plane.folder());
      assertTrue(a.stack(plane).slices() >= 17 && a.stack(plane).slices() <= 35,
          plane.folder() + " has " + a.stack(plane).slices() + " slices");
    }
  }

  /**
   * Every finding's mask marks the same place of the knee in all three planes (the scanner
   * centroids of its voxels within the box all three planes cover agree within a slice spacing), and the finding changes the stack on
   * its mask and nowhere else: the exam drawn with its findings against the same exam without.
   */
  @Test
  void masksLineUpWithTheFindingsInEveryPlane() {
    int[] seen = new int[KneePhantom.LABELS.length];
    for (long seed = 0; seed < EXAMS; seed++) {
      KneeExam with = KneeExam.draw(seed, SIZE);
      KneeExam without = KneeExam.draw(seed, SIZE, false);
      double[][] common = commonCoverage(with);
      for (int l = 0; l < KneePhantom.LABELS.length; l++) {
        String label = KneePhantom.LABELS[l];
        if (!with.has(label)) {
          assertTrue(with.stack(KneePlane.AXIAL).masks().get(label) == null);
          continue;
        }
        seen[l]++;
        double[][] centroids = new double[3][];
        for (KneePlane plane : KneePlane.values()) {
          KneeExam.Stack stack = with.stack(plane);
          boolean[] mask = stack.masks().get(label);
          double[] centroid = new double[3];
          int n = 0;
          double change = 0;
          for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
              change += Math.abs((stack.voxels()[i] & 0xff) - (without.stack(plane).voxels()[i] & 0xff));
              double[] p = stack.centre(i / (SIZE * SIZE), i / SIZE % SIZE, i % SIZE);
              if (inside(p, common)) {
                for (int a = 0; a < 3; a++) {
                  centroid[a] += p[a];
                }
                n++;
              }
            }
          }
          assertTrue(n >= 3, label + " of exam " + seed + " covers " + n + " voxels in " + plane.folder());
          assertTrue(change / count(mask) > 20, label + " of exam " + seed + " changes its " + plane.folder()
              + " voxels by " + change / count(mask) + " grey levels on average");
          for (int a = 0; a < 3; a++) {
            centroid[a] /= n;
          }
          centroids[plane.ordinal()] = centroid;
        }
        for (int p = 1; p < 3; p++) {
          double distance = Math.sqrt(Math.pow(centroids[p][0] - centroids[0][0], 2)
              + Math.pow(centroids[p][1] - centroids[0][1], 2) + Math.pow(centroids[p][2] - centroids[0][2], 2));
          assertTrue(distance < 3.5, label + " of exam " + seed + ": " + KneePlane.values()[p].folder()
              + " centroid lies " + distance + " mm from the axial one");
        }
      }
      for (KneePlane plane : KneePlane.values()) {
        boolean[] anyFinding = with.stack(plane).masks().get("abnormal");
        byte[] a = with.stack(plane).voxels();
        byte[] b = without.stack(plane).voxels();
        for (int i = 0; i < a.length; i++) {
          if (anyFinding == null || !anyFinding[i]) {
            assertEquals(a[i], b[i], "exam " + seed + " " + plane.folder() + " changes off its findings at voxel " + i);
          }
        }
      }
    }
    for (int l = 0; l < seen.length; l++) {
      assertTrue(seen[l] >= 2, KneePhantom.LABELS[l] + " in " + seen[l] + " of " + EXAMS + " exams");
    }
  }

  /** The box ({@code [axis][low, high]}, millimetres) that the voxel centres of every plane span. */
  private static double[][] commonCoverage(KneeExam exam) {
    double half = KneePlane.FIELD_OF_VIEW / 2;
    double[][] box = {{-half, half}, {-half, half}, {-half, half}};
    for (KneePlane plane : KneePlane.values()) {
      KneeExam.Stack stack = exam.stack(plane);
      int axis = plane.sliceAxis();
      box[axis][0] = Math.max(box[axis][0], stack.firstDepth() - plane.spacing() / 2);
      box[axis][1] = Math.min(box[axis][1], stack.firstDepth() + (stack.slices() - 0.5) * plane.spacing());
    }
    return box;
  }

  private static boolean inside(double[] p, double[][] box) {
    for (int a = 0; a < 3; a++) {
      if (p[a] < box[a][0] || p[a] > box[a][1]) {
        return false;
      }
    }
    return true;
  }

  private static int count(boolean[] mask) {
    int n = 0;
    for (boolean b : mask) {
      n += b ? 1 : 0;
    }
    return n;
  }

  @Test
  void writesTheMrnetLayoutThatLumenReads(@TempDir Path tmp) throws IOException {
    KneeDataset.write(tmp, 5, 3, SIZE, 0.4);
    for (String split : List.of("train", "valid")) {
      for (String label : KneePhantom.LABELS) {
        assertTrue(Files.isRegularFile(tmp.resolve(split + "-" + label + ".csv")));
      }
    }
    assertEquals("0000,", Files.readAllLines(tmp.resolve("train-acl.csv")).get(0).substring(0, 5));
    MrnetSplit valid = MrnetSplit.read(tmp.resolve("valid"), List.of(KneePhantom.LABELS));
    assertEquals(List.of("0003", "0004"), valid.ids());
    KneeExam exam = KneeExam.draw(3 * 1_000_003L + 3, SIZE);
    for (String plane : MrnetSplit.PLANES) {
      Npy.Array stack = Npy.read(valid.stack("0003", plane));
      assertEquals("|u1", stack.dtype());
      KneeExam.Stack drawn = exam.stack(KneePlane.valueOf(plane.toUpperCase(java.util.Locale.ROOT)));
      assertArrayEquals(new long[] {drawn.slices(), SIZE, SIZE}, stack.tensor().shape());
      for (Map.Entry<String, boolean[]> mask : drawn.masks().entrySet()) {
        float[] written = Npy.read(tmp.resolve("valid/masks/" + plane + "/0003-" + mask.getKey() + ".npy")).tensor()
            .toArray();
        for (int i = 0; i < written.length; i++) {
          assertEquals(mask.getValue()[i] ? 1f : 0f, written[i]);
        }
      }
    }
    for (int l = 0; l < KneePhantom.LABELS.length; l++) {
      assertEquals(exam.has(KneePhantom.LABELS[l]), valid.truth().get("0003")[l]);
    }
  }
}
