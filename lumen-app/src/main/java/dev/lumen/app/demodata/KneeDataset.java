package dev.lumen.app.demodata;

import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes synthetic knee exams in the layout of the MRNet data set: {@code train/} and
 * {@code valid/}, each with {@code axial/}, {@code coronal/} and {@code sagittal/} folders of
 * {@code NNNN.npy} stacks (uint8, slices x size x size), label files
 * {@code {train,valid}-{abnormal,acl,meniscus}.csv} ({@code NNNN,0|1} rows, no header, as
 * MRNet's), and the findings' masks as {@code {train,valid}/masks/PLANE/NNNN-LABEL.npy} (uint8,
 * 1 on the finding, on the stack's voxels). Exams are numbered on through both splits, as in
 * MRNet; exam {@code i} is drawn from seed {@code seed * 1_000_003 + i}.
 */
public final class KneeDataset {
  private KneeDataset() {}

  /**
   * Writes {@code count} exams with slices of {@code size} pixels into {@code dir}, the last
   * {@code validShare} of them as the validation split.
   */
  public static void write(Path dir, int count, long seed, int size, double validShare) throws IOException {
    int firstValid = count - (int) Math.round(count * validShare);
    StringBuilder[][] labels = new StringBuilder[2][KneePhantom.LABELS.length];
    for (int split = 0; split < 2; split++) {
      for (int l = 0; l < KneePhantom.LABELS.length; l++) {
        labels[split][l] = new StringBuilder();
      }
      for (KneePlane plane : KneePlane.values()) {
        Files.createDirectories(dir.resolve(splitName(split)).resolve(plane.folder()));
        Files.createDirectories(dir.resolve(splitName(split)).resolve("masks").resolve(plane.folder()));
      }
    }
    for (int i = 0; i < count; i++) {
      int split = i < firstValid ? 0 : 1;
      String id = String.format(Locale.ROOT, "%04d", i);
      KneeExam exam = KneeExam.draw(seed * 1_000_003L + i, size);
      Path folder = dir.resolve(splitName(split));
      for (KneePlane plane : KneePlane.values()) {
        KneeExam.Stack stack = exam.stack(plane);
        Npy.writeUint8(folder.resolve(plane.folder()).resolve(id + ".npy"), stack.voxels(), stack.slices(), size, size);
        for (Map.Entry<String, boolean[]> mask : stack.masks().entrySet()) {
          byte[] bytes = new byte[mask.getValue().length];
          for (int v = 0; v < bytes.length; v++) {
            bytes[v] = (byte) (mask.getValue()[v] ? 1 : 0);
          }
          Npy.writeUint8(folder.resolve("masks").resolve(plane.folder()).resolve(id + "-" + mask.getKey() + ".npy"),
              bytes, stack.slices(), size, size);
        }
      }
      for (int l = 0; l < KneePhantom.LABELS.length; l++) {
        labels[split][l].append(id).append(',').append(exam.has(KneePhantom.LABELS[l]) ? 1 : 0).append('\n');
      }
    }
    for (int split = 0; split < 2; split++) {
      for (int l = 0; l < KneePhantom.LABELS.length; l++) {
        AtomicFiles.writeString(dir.resolve(splitName(split) + "-" + KneePhantom.LABELS[l] + ".csv"), labels[split][l].toString());
      }
    }
  }

  private static String splitName(int split) {
    return split == 0 ? "train" : "valid";
  }
}
