package dev.lumen.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import dev.lumen.core.TestModels;
import dev.lumen.core.image.Images;
import dev.lumen.core.image.Volume;
import dev.lumen.core.preprocess.Channels;
import dev.lumen.core.preprocess.InputSpec;
import dev.lumen.core.preprocess.Layout;
import dev.lumen.core.preprocess.Preprocessing;
import dev.lumen.core.preprocess.Preprocessor;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dtype and byte order NumPy writes reaches the model as the same values a float32 (or
 * uint8) copy of the same data does, under every value scaling; what float32 cannot hold exactly
 * is refused with the file and the place.
 */
class NpyDtypesTest {
  private static final List<Preprocessing> SCALINGS =
      List.of(Preprocessing.unit(), Preprocessing.raw(), Preprocessing.minmax());

  /** The model input of {@code file} read as an exam, under {@code preprocessing}. */
  private static Tensor modelInput(Path file, Preprocessing preprocessing) {
    Volume volume = Images.readNpyVolume(file);
    InputSpec spec = new InputSpec("x", 4, Layout.NCHW, Channels.GRAYSCALE, volume.slices().get(0).width(),
        volume.slices().get(0).height(), true);
    return new Preprocessor(preprocessing, spec).toInput(volume.slices());
  }

  private static void assertSameInput(String reference, String... copies) {
    for (Preprocessing p : SCALINGS) {
      Tensor expected = modelInput(TestModels.dir().resolve("dtype-" + reference + ".npy"), p);
      for (String copy : copies) {
        Tensor actual = modelInput(TestModels.dir().resolve("dtype-" + copy + ".npy"), p);
        assertArrayEquals(expected.toArray(), actual.toArray(), 0f, copy + " vs " + reference + " under " + p);
      }
    }
  }

  @Test
  void signedCtVolumesOfEveryWidthAndByteOrderGiveTheFloatCopysInput() {
    assertSameInput("ct.f4", "ct.i2", "ct.i2be", "ct.i4", "ct.i8be", "ct.f8be");
    Npy.Array ct = Npy.read(TestModels.dir().resolve("dtype-ct.i2.npy"));
    assertEquals("<i2", ct.dtype());
    float largest = 0;
    for (float v : ct.tensor().toArray()) {
      largest = Math.max(largest, Math.abs(v));
    }
    assertEquals(largest, ct.maxValue(), "an int16 exam is scaled by its values, not by 32767");
  }

  @Test
  void unsignedVolumesGiveTheFloatCopysInput() {
    assertSameInput("mr.f4", "mr.u2", "mr.u2be", "mr.u4");
  }

  @Test
  void arraysThatFitInAByteGiveTheUint8CopysInput() {
    assertSameInput("small.u1", "small.i2", "small.f4", "small.f2", "small.u8be");
    assertEquals(255f, Npy.read(TestModels.dir().resolve("dtype-small.i2.npy")).maxValue());
  }

  @Test
  void nanAndInfinityAreRefusedWithTheirIndex(@TempDir Path tmp) throws IOException {
    Path nan = write(tmp.resolve("nan.npy"), "<f4", "(2, 3)", floats(0, 1, 2, 3, Float.NaN, 5));
    LumenException e = assertThrows(LumenException.class, () -> Npy.read(nan));
    assertEquals(nan + ": NaN at index [1, 1]; Lumen needs finite values", e.getMessage());
    Path inf = write(tmp.resolve("inf.npy"), "<f4", "(3,)", floats(Float.NEGATIVE_INFINITY, 0, 0));
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(inf)).getMessage()
        .startsWith(inf + ": infinite value at index [0]"));
    ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1e300);
    Path overflow = write(tmp.resolve("big.npy"), "<f8", "(1,)", big.array());
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(overflow)).getMessage().contains("beyond float32"));
  }

  @Test
  void integersFloat32CannotHoldExactlyAreRefused(@TempDir Path tmp) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(7).putLong((1L << 24) + 1);
    Path file = write(tmp.resolve("ids.npy"), ">i8", "(2,)", b.array());
    LumenException e = assertThrows(LumenException.class, () -> Npy.read(file));
    assertTrue(e.getMessage().startsWith(file + ": value 16777217 at index [1] is beyond ±2^24"), e.getMessage());
    ByteBuffer u = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L);
    Path unsigned = write(tmp.resolve("u.npy"), "<u8", "(1,)", u.array());
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(unsigned)).getMessage()
        .contains("value 18446744073709551615"));
  }

  @Test
  void lyingAndForeignHeadersAreRefused(@TempDir Path tmp) throws IOException {
    Path complex = write(tmp.resolve("c.npy"), "<c8", "(1,)", new byte[8]);
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(complex)).getMessage()
        .startsWith(complex + ": unsupported dtype c8"));
    Path shape = write(tmp.resolve("s.npy"), "<f4", "(2, x)", new byte[8]);
    assertEquals(shape + ": unreadable .npy shape (2, x)",
        assertThrows(LumenException.class, () -> Npy.read(shape)).getMessage());
    Path huge = write(tmp.resolve("h.npy"), "<f4", "(100000, 100000)", new byte[8]);
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(huge)).getMessage().contains("more than the"));
    Path lying = write(tmp.resolve("l.npy"), "<f4", "(4,)", new byte[8]);
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(lying)).getMessage()
        .startsWith(lying + ": truncated: shape [4] needs 16 bytes"));
    byte[] bytes = Files.readAllBytes(lying);
    bytes[6] = 9;
    Path version = Files.write(tmp.resolve("v.npy"), bytes);
    assertTrue(assertThrows(LumenException.class, () -> Npy.read(version)).getMessage()
        .contains("unknown .npy format version 9"));
  }

  @Test
  void colourImageArraysAreNotTakenForVolumes(@TempDir Path tmp) throws IOException {
    Path rgb = write(tmp.resolve("rgb.npy"), "|u1", "(64, 48, 3)", new byte[64 * 48 * 3]);
    LumenException e = assertThrows(LumenException.class, () -> Images.readNpyVolume(rgb));
    assertTrue(e.getMessage().startsWith(rgb + ": holds an array of shape [64, 48, 3], which looks like an image"),
        e.getMessage());
    Path flat = write(tmp.resolve("flat.npy"), "<f4", "(5,)", new byte[20]);
    assertEquals(flat + ": holds an array of shape [5]; a volume is [slices, height, width]",
        assertThrows(LumenException.class, () -> Images.readNpyVolume(flat)).getMessage());
    assertEquals(1, Images.readNpyImage(write(tmp.resolve("grey.npy"), "|u1", "(4, 4)", new byte[16])).channels());
  }

  private static byte[] floats(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** A version 1 .npy file with {@code dtype} and {@code shape} as written, then {@code data}. */
  static Path write(Path file, String dtype, String shape, byte[] data) throws IOException {
    String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
    header = header + " ".repeat((64 - (10 + header.length() + 1) % 64) % 64) + "\n";
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer out = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
    return Files.write(file, out.array());
  }
}
