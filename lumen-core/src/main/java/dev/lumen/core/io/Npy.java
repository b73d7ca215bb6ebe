package dev.lumen.core.io;

import dev.lumen.core.LumenException;
import dev.lumen.core.MemoryBudget;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1 to 3): Lumen writes raw and normalised maps in it and
 * reads MRNet exams from it. Reading converts every numeric dtype to float32 and refuses what
 * float32 cannot hold exactly: integers beyond ±2^24, floats beyond float32's range, NaN and
 * infinities.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  /** Integers up to this magnitude are exact in float32. */
  private static final long EXACT_INTEGER = 1L << 24;

  private Npy() {}

  /**
   * An array read from a file.
   *
   * @param tensor the values as float32
   * @param dtype NumPy's type string, for example {@code <u1}
   * @param maxValue the top of the range the values are scaled from, decided so that any dtype
   *     holding the same numbers gives the model the same input: 1 for bool; 255 for uint8; for
   *     wider integers 255 when every value lies in [0, 255] (as a uint8 copy would), else the
   *     largest magnitude; for floats 1 when every value lies in [0, 1], 255 when they lie in
   *     [0, 255], else the largest magnitude
   */
  public record Array(Tensor tensor, String dtype, float maxValue) {}

  /** Writes {@code tensor} as a little-endian float32 array, whole or not at all. */
  public static void write(Path file, Tensor tensor) throws IOException {
    write(file, "<f4", tensor.shape(), float32(tensor));
  }

  /** Writes {@code values} as an unsigned 8-bit array of {@code shape} (how MRNet stores its exams). */
  public static void writeUint8(Path file, byte[] values, long... shape) throws IOException {
    write(file, "|u1", shape, values);
  }

  /**
   * Writes an array of NumPy dtype {@code dtype} (e.g. {@code <i2}) whose elements
   * {@code body} holds in that dtype's bytes, whole or not at all.
   *
   * @throws IllegalArgumentException if {@code body} does not fill {@code shape}
   */
  public static void write(Path file, String dtype, long[] shape, byte[] body) throws IOException {
    byte[] head = head(dtype, shape, body);
    AtomicFiles.write(file, out -> {
      out.write(head);
      out.write(body);
    });
  }

  /** {@code tensor} as the bytes of a little-endian float32 {@code .npy} file. */
  public static byte[] encode(Tensor tensor) {
    return encode("<f4", tensor.shape(), float32(tensor));
  }

  private static byte[] float32(Tensor tensor) {
    ByteBuffer body = ByteBuffer.allocate(tensor.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.asFloatBuffer().put(tensor.unsafeData());
    return body.array();
  }

  /**
   * The bytes of a {@code .npy} file of dtype {@code dtype} whose elements {@code body} holds.
   *
   * @throws IllegalArgumentException if {@code body} does not fill {@code shape}
   */
  public static byte[] encode(String dtype, long[] shape, byte[] body) {
    byte[] head = head(dtype, shape, body);
    byte[] out = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  /** The magic string, version 1.0 and padded header of a file whose elements {@code body} holds. */
  private static byte[] head(String dtype, long[] shape, byte[] body) {
    long width = Long.parseLong(dtype.substring(2));
    if (Arrays.stream(shape).reduce(1, Math::multiplyExact) * width != body.length) {
      throw new IllegalArgumentException(body.length + " bytes do not fill shape " + Arrays.toString(shape)
          + " of " + dtype);
    }
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2);
    } else if (shape.length == 1) {
      dims.setLength(dims.length() - 1);
    }
    String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
    byte[] text = (header + " ".repeat((64 - unpadded % 64) % 64) + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] head = Arrays.copyOf(MAGIC, MAGIC.length + 4 + text.length);
    head[MAGIC.length] = 1;
    head[MAGIC.length + 2] = (byte) text.length;
    head[MAGIC.length + 3] = (byte) (text.length >> 8);
    System.arraycopy(text, 0, head, MAGIC.length + 4, text.length);
    return head;
  }

  /**
   * Reads an array of bools, integers or floats in C order.
   *
   * @throws LumenException if the file is missing, not a .npy file, Fortran-ordered, truncated,
   *     of an unsupported dtype, or holds a value float32 cannot represent exactly (NaN,
   *     infinities, integers beyond ±2^24)
   */
  public static Array read(Path file) {
    byte[] bytes = FileBytes.read(file);
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new LumenException(file, "not a NumPy .npy file");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    if (major < 1 || major > 3) {
      throw new LumenException(file, "unknown .npy format version " + major + "; Lumen reads versions 1 to 3");
    }
    long headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : Integer.toUnsignedLong(in.getInt(8));
    int headerStart = major == 1 ? 10 : 12;
    if (headerStart + headerLength > bytes.length) {
      throw new LumenException(file, "truncated .npy header");
    }
    String header = new String(bytes, headerStart, (int) headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shapeMatch = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
      throw new LumenException(file, "unreadable .npy header (Lumen reads plain numeric dtypes): "
          + header.trim());
    }
    if (fortran.group(1).equals("True")) {
      throw new LumenException(file, "Fortran-ordered arrays are not supported; save with C order");
    }
    long[] shape = shape(file, shapeMatch.group(1));
    ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    NpyType type = NpyType.of(file, descr.group(2).charAt(0), Integer.parseInt(descr.group(3)));
    long count = count(file, shape);
    int dataStart = headerStart + (int) headerLength;
    long needed = count * type.width();
    if (needed > bytes.length - dataStart) {
      throw new LumenException(file, "truncated: shape " + Arrays.toString(shape) + " needs "
          + needed + " bytes of data, the file has " + (bytes.length - dataStart));
    }
    MemoryBudget.require(file, count * Float.BYTES, "holding " + count + " values as float32");
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice().order(order);
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = exact(file, type, data, i, shape);
    }
    return new Array(Tensor.of(values, shape), descr.group(1) + type.code(), maxValue(type, values));
  }

  private static long[] shape(Path file, String dims) {
    try {
      long[] shape = Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
          .mapToLong(Long::parseLong).toArray();
      if (Arrays.stream(shape).anyMatch(d -> d < 0)) {
        throw new NumberFormatException();
      }
      return shape;
    } catch (NumberFormatException e) {
      throw new LumenException(file, "unreadable .npy shape (" + dims.trim() + ")");
    }
  }

  private static long count(Path file, long[] shape) {
    long count = 1;
    for (long d : shape) {
      if (d != 0 && count > Integer.MAX_VALUE / d) {
        throw new LumenException(file, "array of shape " + Arrays.toString(shape)
            + " has more than the " + Integer.MAX_VALUE + " values Lumen reads");
      }
      count *= d;
    }
    return count;
  }

  /** Element {@code i} as float32, refused when float32 would change it. */
  static float exact(Path file, NpyType type, ByteBuffer data, int i, long[] shape) {
    if (type.isInteger()) {
      long v = type.integer(data, i);
      if (Math.abs(v) > EXACT_INTEGER || (type.kind() == 'u' && type.width() == 8 && v < 0)) {
        throw new LumenException(file, "value " + (v < 0 && type.kind() == 'u' ? Long.toUnsignedString(v) : v)
            + " at " + position(i, shape) + " is beyond ±2^24 and cannot be held exactly in float32, "
            + "which Lumen computes in; rescale the array");
      }
      return v;
    }
    double v = type.real(data, i);
    if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
      throw new LumenException(file, (Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? "infinite value"
          : "value " + v + " beyond float32's range") + " at " + position(i, shape)
          + "; Lumen needs finite values");
    }
    return (float) v;
  }

  /** A flat index as NumPy's index tuple. */
  private static String position(int flat, long[] shape) {
    long[] at = new long[shape.length];
    long rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      at[d] = rest % shape[d];
      rest /= shape[d];
    }
    return "index " + Arrays.toString(at);
  }

  static float maxValue(NpyType type, float[] values) {
    float min = 0;
    float max = 0;
    if (type.kind() != 'b' && !(type.kind() == 'u' && type.width() == 1)) {
      for (float v : values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return maxValue(type, min, max);
  }

  /** The range top of values of {@code type} whose least and greatest are {@code min} and {@code max} (or 0). */
  static float maxValue(NpyType type, float min, float max) {
    if (type.kind() == 'b') {
      return 1f;
    }
    if (type.kind() == 'u' && type.width() == 1) {
      return 255f;
    }
    min = Math.min(min, 0);
    max = Math.max(max, 0);
    if (min >= 0 && max <= 255f) {
      return type.kind() == 'f' && max <= 1f ? 1f : 255f;
    }
    return Math.max(max, -min);
  }
}
