package dev.lumen.core.io;

import dev.lumen.core.LumenException;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format (versions 1 to 3): Lumen writes raw and normalised maps in it and
 * reads MRNet exams from it. Reading converts every numeric dtype to float32.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * An array read from a file.
   *
   * @param tensor the values as float32
   * @param dtype NumPy's type string, for example {@code <u1}
   * @param maxValue the largest value the dtype holds for integer types; for float arrays 1 when
   *     every value lies in [0, 1], 255 when they lie in [0, 255], else the largest value
   */
  public record Array(Tensor tensor, String dtype, float maxValue) {}

  /** Writes {@code tensor} as a little-endian float32 array. */
  public static void write(Path file, Tensor tensor) throws IOException {
    ByteBuffer body = ByteBuffer.allocate(tensor.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
    body.asFloatBuffer().put(tensor.unsafeData());
    write(file, "<f4", tensor.shape(), body.array());
  }

  /** Writes {@code values} as an unsigned 8-bit array of {@code shape} (how MRNet stores its exams). */
  public static void writeUint8(Path file, byte[] values, long... shape) throws IOException {
    if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != values.length) {
      throw new IllegalArgumentException(values.length + " values do not fill shape " + Arrays.toString(shape));
    }
    write(file, "|u1", shape, values);
  }

  private static void write(Path file, String dtype, long[] shape, byte[] body) throws IOException {
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
    header = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(MAGIC);
      out.write(new byte[] {1, 0, (byte) header.length(), (byte) (header.length() >> 8)});
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
    }
  }

  /**
   * Reads an array of bools, integers or floats in C order.
   *
   * @throws LumenException if the file is missing, not a .npy file, Fortran-ordered, truncated
   *     or of an unsupported dtype
   */
  public static Array read(Path file) {
    byte[] bytes = FileBytes.read(file);
    if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
      throw new LumenException(file, "not a NumPy .npy file");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int major = bytes[6];
    int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : in.getInt(8);
    int headerStart = major == 1 ? 10 : 12;
    if (headerStart + headerLength > bytes.length) {
      throw new LumenException(file, "truncated .npy header");
    }
    String header = new String(bytes, headerStart, headerLength, StandardCharsets.ISO_8859_1);
    Matcher descr = DESCR.matcher(header);
    Matcher fortran = FORTRAN.matcher(header);
    Matcher shapeMatch = SHAPE.matcher(header);
    if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
      throw new LumenException(file, "unreadable .npy header: " + header.trim());
    }
    if (fortran.group(1).equals("True")) {
      throw new LumenException(file, "Fortran-ordered arrays are not supported; save with C order");
    }
    long[] shape = Arrays.stream(shapeMatch.group(1).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
    ByteOrder order = descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    char kind = descr.group(2).charAt(0);
    int width = Integer.parseInt(descr.group(3));
    long count = Tensor.sizeOf(shape);
    int dataStart = headerStart + headerLength;
    if (count * width > bytes.length - dataStart) {
      throw new LumenException(file, "truncated: shape " + Arrays.toString(shape) + " needs "
          + count * width + " bytes of data, the file has " + (bytes.length - dataStart));
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).slice().order(order);
    String dtype = descr.group(1) + kind + width;
    float[] values = decode(file, data, kind, width, Math.toIntExact(count), dtype);
    return new Array(Tensor.of(values, shape), dtype, maxValue(kind, width, values));
  }

  private static float[] decode(Path file, ByteBuffer data, char kind, int width, int count, String dtype) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      int at = i * width;
      out[i] = switch (kind + "" + width) {
        case "u1", "b1" -> Byte.toUnsignedInt(data.get(at));
        case "i1" -> data.get(at);
        case "u2" -> Short.toUnsignedInt(data.getShort(at));
        case "i2" -> data.getShort(at);
        case "u4" -> Integer.toUnsignedLong(data.getInt(at));
        case "i4" -> data.getInt(at);
        case "i8", "u8" -> data.getLong(at);
        case "f4" -> data.getFloat(at);
        case "f8" -> (float) data.getDouble(at);
        default -> throw new LumenException(file, "unsupported dtype " + dtype
            + "; Lumen reads bool, integer and float arrays");
      };
    }
    return out;
  }

  private static float maxValue(char kind, int width, float[] values) {
    if (kind == 'u' || kind == 'i') {
      return width >= 4 ? Float.MAX_VALUE : (float) ((1L << (8 * width - (kind == 'i' ? 1 : 0))) - 1);
    }
    if (kind == 'b') {
      return 1f;
    }
    float max = 0;
    for (float v : values) {
      max = Math.max(max, v);
    }
    return max <= 1f ? 1f : max <= 255f ? 255f : max;
  }
}
