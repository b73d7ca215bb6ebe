package dev.lumen.app.exam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MrnetSplitTest {

  private static Path split(Path root, String... ids) throws IOException {
    Path folder = root.resolve("train");
    for (String plane : MrnetSplit.PLANES) {
      Files.createDirectories(folder.resolve(plane));
      for (String id : ids) {
        Npy.writeUint8(folder.resolve(plane).resolve(id + ".npy"), new byte[4], 1, 2, 2);
      }
    }
    return folder;
  }

  @Test
  void readsStacksAndLabels(@TempDir Path tmp) throws IOException {
    Path folder = split(tmp, "0001", "0000");
    Files.writeString(tmp.resolve("train-acl.csv"), "0000,1\n0001,0\n");
    Files.writeString(tmp.resolve("train-meniscus.csv"), "0001,1\n0000,0\n");
    MrnetSplit split = MrnetSplit.read(folder, List.of("acl", "meniscus"));
    assertEquals(List.of("0000", "0001"), split.ids());
    assertArrayEquals(new boolean[] {true, false}, split.truth().get("0000"));
    assertArrayEquals(new boolean[] {false, true}, split.truth().get("0001"));
    assertEquals(folder.resolve("sagittal/0001.npy"), split.stack("0001", "sagittal"));
  }

  @Test
  void badLayoutsAndLabelFilesNameTheFileAndTheProblem(@TempDir Path tmp) throws IOException {
    Path folder = split(tmp, "0000", "0001");
    assertMessage(folder, List.of("acl"), "train-acl.csv", "missing");
    Files.writeString(tmp.resolve("train-acl.csv"), "0000,1\n0001,0\n0007,1\n");
    assertMessage(folder, List.of("acl"), "train-acl.csv", "row 3 names exam 0007, which has no stacks");
    Files.writeString(tmp.resolve("train-acl.csv"), "0000,1\n");
    assertMessage(folder, List.of("acl"), "train-acl.csv", "has no row for exam 0001");
    Files.writeString(tmp.resolve("train-acl.csv"), "0000,yes\n0001,0\n");
    assertMessage(folder, List.of("acl"), "train-acl.csv", "row 1 is '0000,yes', not ID,0 or ID,1");
    Files.delete(folder.resolve("coronal/0001.npy"));
    assertMessage(folder, List.of(), "coronal", "has no 0001.npy, but other planes hold exam 0001");
    Path empty = tmp.resolve("empty");
    for (String plane : MrnetSplit.PLANES) {
      Files.createDirectories(empty.resolve(plane));
    }
    assertMessage(empty, List.of(), "empty", "holds no exams");
    Files.delete(empty.resolve("axial"));
    assertMessage(empty, List.of(), "empty", "has no 'axial' folder");
  }

  private static void assertMessage(Path folder, List<String> labels, String file, String problem) {
    LumenException e = assertThrows(LumenException.class, () -> MrnetSplit.read(folder, labels));
    assertTrue(e.getMessage().contains(file) && e.getMessage().contains(problem), e.getMessage());
  }
}
