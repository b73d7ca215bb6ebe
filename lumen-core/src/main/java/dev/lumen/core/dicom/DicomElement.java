package dev.lumen.core.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One data element as read: its tag, its value representation (from the file in explicit VR
 * syntaxes, from {@link DicomDictionary} in implicit VR, {@code UN} when unknown) and its value
 * bytes in the byte order of the transfer syntax.
 *
 * @param tag group in the high 16 bits, element in the low 16
 * @param vr the two-letter value representation
 * @param value the value bytes
 * @param order the byte order of binary values
 */
public record DicomElement(int tag, String vr, byte[] value, ByteOrder order) {
  /** The value as text with the padding (spaces, NULs) removed; multiple values stay joined by backslashes. */
  public String text() {
    String s = new String(value, StandardCharsets.ISO_8859_1);
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == 0)) {
      end--;
    }
    int start = 0;
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    return s.substring(start, end);
  }

  /**
   * The values as numbers: binary ones (US, SS, UL, SL, FL, FD) in the syntax's byte order,
   * decimal and integer strings (DS, IS) parsed.
   *
   * @throws IllegalArgumentException for a VR that holds no numbers, or a string that is not one
   */
  public double[] numbers() {
    ByteBuffer b = ByteBuffer.wrap(value).order(order);
    return switch (vr) {
      case "US" -> times(value.length / 2, i -> Short.toUnsignedInt(b.getShort(2 * i)));
      case "SS" -> times(value.length / 2, i -> b.getShort(2 * i));
      case "UL" -> times(value.length / 4, i -> Integer.toUnsignedLong(b.getInt(4 * i)));
      case "SL" -> times(value.length / 4, i -> b.getInt(4 * i));
      case "FL" -> times(value.length / 4, i -> b.getFloat(4 * i));
      case "FD" -> times(value.length / 8, i -> b.getDouble(8 * i));
      case "DS", "IS" -> {
        String t = text();
        if (t.isEmpty()) {
          yield new double[0];
        }
        String[] parts = t.split("\\\\");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          out[i] = Double.parseDouble(parts[i].trim());
        }
        yield out;
      }
      default -> throw new IllegalArgumentException(DicomDictionary.name(tag) + " has VR " + vr + ", not a number");
    };
  }

  private interface Value {
    double at(int i);
  }

  private static double[] times(int n, Value v) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = v.at(i);
    }
    return out;
  }
}
