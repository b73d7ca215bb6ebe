package dev.lumen.core.io;

import dev.lumen.core.LumenException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** One of the numeric dtypes {@link Npy} reads: bool, signed and unsigned integers, floats. */
record NpyType(char kind, int width) {
  /**
   * The dtype of kind {@code kind} and {@code width} bytes.
   *
   * @throws LumenException naming {@code file} for any other dtype
   */
  static NpyType of(Path file, char kind, int width) {
    boolean known = switch (kind) {
      case 'b' -> width == 1;
      case 'u', 'i' -> width == 1 || width == 2 || width == 4 || width == 8;
      case 'f' -> width == 2 || width == 4 || width == 8;
      default -> false;
    };
    if (!known) {
      throw new LumenException(file, "unsupported dtype " + kind + width
          + "; Lumen reads bool, integer (8 to 64 bits) and float (16, 32, 64 bits) arrays");
    }
    return new NpyType(kind, width);
  }

  /** NumPy's code without the byte order, e.g. {@code i2}. */
  String code() {
    return kind + "" + width;
  }

  /** Whether values are read with {@link #integer}. */
  boolean isInteger() {
    return kind != 'f';
  }

  /** Element {@code i} of an integer or bool array; uint64 values come back as their bits. */
  long integer(ByteBuffer data, int i) {
    int at = i * width;
    return switch (width) {
      case 1 -> kind == 'i' ? data.get(at) : Byte.toUnsignedInt(data.get(at));
      case 2 -> kind == 'i' ? data.getShort(at) : Short.toUnsignedInt(data.getShort(at));
      case 4 -> kind == 'i' ? data.getInt(at) : Integer.toUnsignedLong(data.getInt(at));
      default -> data.getLong(at);
    };
  }

  /** Element {@code i} of a float array. */
  double real(ByteBuffer data, int i) {
    int at = i * width;
    return switch (width) {
      case 2 -> halfToFloat(data.getShort(at));
      case 4 -> data.getFloat(at);
      default -> data.getDouble(at);
    };
  }

  /** IEEE 754 binary16 to float. */
  private static float halfToFloat(short bits) {
    int sign = (bits >> 15) & 1;
    int exponent = (bits >> 10) & 0x1f;
    int fraction = bits & 0x3ff;
    float magnitude;
    if (exponent == 0x1f) {
      magnitude = fraction == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else if (exponent == 0) {
      magnitude = fraction * 0x1p-24f;
    } else {
      magnitude = Float.intBitsToFloat(((exponent + 112) << 23) | (fraction << 13));
    }
    return sign == 1 ? -magnitude : magnitude;
  }
}
