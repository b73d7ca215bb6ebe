package dev.lumen.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

  @Test
  void writeThenReadGivesTheSameTensor(@TempDir Path tmp) throws IOException {
    Tensor t = Tensor.of(new float[] {1.5f, -2, 3, 4, 5, 6}, 1, 2, 3);
    Path file = tmp.resolve("t.npy");
    Npy.write(file, t);
    assertEquals(0, (Files.size(file) - 6 * 4) % 64, "header padded to 64 bytes");
    Npy.Array back = Npy.read(file);
    assertEquals(t, back.tensor());
    assertEquals("<f4", back.dtype());
  }

  @Test
  void readsArraysNumpyWrote() {
    Tensor input = Npy.read(TestModels.dir().resolve("resnet18.input.npy")).tensor();
    assertArrayEquals(new long[] {1, 3, 224, 224}, input.shape());
  }

  @Test
  void readsUint8VolumesAsMrnetStoresThem(@TempDir Path tmp) throws IOException {
    String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 2), }";
    header = header + " ".repeat(128 - 10 - header.length() - 1) + "\n";
    byte[] h = header.getBytes();
    byte[] file = new byte[10 + h.length + 4];
    System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0}, 0, file, 0, 10);
    System.arraycopy(h, 0, file, 10, h.length);
    System.arraycopy(new byte[] {0, 7, (byte) 200, (byte) 255}, 0, file, 10 + h.length, 4);
    Path p = tmp.resolve("0000.npy");
    Files.write(p, file);
    Npy.Array a = Npy.read(p);
    assertArrayEquals(new float[] {0, 7, 200, 255}, a.tensor().toArray());
    assertEquals(255f, a.maxValue());
  }

  @Test
  void uint8ArraysRoundTrip(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("exam.npy");
    Npy.writeUint8(file, new byte[] {0, 1, (byte) 128, (byte) 255, 9, 10}, 3, 1, 2);
    assertEquals(0, (Files.size(file) - 6) % 64, "header padded to 64 bytes");
    Npy.Array back = Npy.read(file);
    assertEquals("|u1", back.dtype());
    assertArrayEquals(new long[] {3, 1, 2}, back.tensor().shape());
    assertArrayEquals(new float[] {0, 1, 128, 255, 9, 10}, back.tensor().toArray());
  }

  @Test
  void rejectsTruncatedAndForeignFiles(@TempDir Path tmp) throws IOException {
    Tensor t = Tensor.zeros(10, 10);
    Path file = tmp.resolve("cut.npy");
    Npy.write(file, t);
    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 200));
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(file)).getMessage().startsWith(file + ": truncated"));
    Path text = tmp.resolve("x.npy");
    Files.writeString(text, "hello, world");
    assertEquals(text + ": not a NumPy .npy file", assertThrows(LumenException.class, () -> Npy.read(text)).getMessage());
  }
}
