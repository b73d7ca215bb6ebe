package dev.lumen.core.dicom;

import dev.lumen.core.Version;
import dev.lumen.core.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * A DICOM data set being made, written as a Part 10 file in Explicit VR Little Endian (PS3.10
 * 7.1, PS3.5 7.1.2): attributes kept in tag order, values padded to even length (UI with NUL,
 * text with spaces), sequences and items of defined length. Lumen writes what it derives from a
 * study (segmentations, secondary captures) with it.
 */
public final class DicomObject {
  /** Lumen's implementation class UID: a UUID-derived UID (PS3.5 B.2), fixed. */
  public static final String IMPLEMENTATION_UID = "2.25.178431606926432281573312420873593271713";
  private static final String EXPLICIT_LITTLE = "1.2.840.10008.1.2.1";
  private static final Set<String> LONG_LENGTH = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR",
      "UT");

  private final TreeMap<Long, byte[]> encoded = new TreeMap<>();

  /** Text values (AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UI, UT, ...), joined by backslashes. */
  public DicomObject text(int tag, String vr, String... values) {
    byte[] bytes = String.join("\\", values).getBytes(StandardCharsets.ISO_8859_1);
    return put(tag, vr, padded(bytes, vr.equals("UI") ? (byte) 0 : (byte) ' '));
  }

  /** Decimal strings, each written in at most the 16 characters DS allows. */
  public DicomObject decimals(int tag, double... values) {
    String[] texts = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      texts[i] = decimal(values[i]);
    }
    return text(tag, "DS", texts);
  }

  /** Unsigned shorts (US). */
  public DicomObject shorts(int tag, int... values) {
    ByteBuffer b = buffer(2 * values.length);
    for (int v : values) {
      b.putShort((short) v);
    }
    return put(tag, "US", b.array());
  }

  /** Attribute tags (AT), each written as group then element. */
  public DicomObject tags(int tag, int... values) {
    ByteBuffer b = buffer(4 * values.length);
    for (int v : values) {
      b.putShort((short) (v >>> 16)).putShort((short) v);
    }
    return put(tag, "AT", b.array());
  }

  /** A sequence of {@code items} (SQ). */
  public DicomObject sequence(int tag, List<DicomObject> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (DicomObject item : items) {
      byte[] body = item.body();
      ByteBuffer header = buffer(8).putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(body.length);
      out.writeBytes(header.array());
      out.writeBytes(body);
    }
    return put(tag, "SQ", out.toByteArray());
  }

  /** A sequence of one item. */
  public DicomObject sequence(int tag, DicomObject item) {
    return sequence(tag, List.of(item));
  }

  /** Raw value bytes of {@code vr} (OB, OW, ...), padded to even length with a zero. */
  public DicomObject bytes(int tag, String vr, byte[] value) {
    return put(tag, vr, padded(value, (byte) 0));
  }

  /** A copy of {@code source}'s attribute {@code tag} when it has one (text VRs are read back as text). */
  public DicomObject copy(DicomDataset source, int tag, String vr) {
    source.element(tag).ifPresent(e -> text(tag, vr, e.text()));
    return this;
  }

  /**
   * Writes this data set as the Part 10 file {@code file} (whole or not at all), with the meta
   * information of SOP Class {@code (0008,0016)} and Instance {@code (0008,0018)}, which it must hold.
   */
  public void write(Path file) throws IOException {
    DicomObject meta = new DicomObject()
        .bytes(0x0002_0001, "OB", new byte[] {0, 1})                       // File Meta Information Version
        .text(0x0002_0002, "UI", value(0x0008_0016))                       // Media Storage SOP Class UID
        .text(0x0002_0003, "UI", value(0x0008_0018))                       // Media Storage SOP Instance UID
        .text(0x0002_0010, "UI", EXPLICIT_LITTLE)                          // Transfer Syntax UID
        .text(0x0002_0012, "UI", IMPLEMENTATION_UID)                       // Implementation Class UID
        .text(0x0002_0013, "SH", implementationVersion());                // Implementation Version Name
    byte[] metaBody = meta.body();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[128]);
    out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(element(0x0002_0000, "UL", buffer(4).putInt(metaBody.length).array()));  // group length
    out.writeBytes(metaBody);
    out.writeBytes(body());
    AtomicFiles.write(file, out.toByteArray());
  }

  /** A new globally unique UID: {@code 2.25.} and a random UUID as a decimal integer (PS3.5 B.2). */
  public static String uid() {
    java.util.UUID u = java.util.UUID.randomUUID();
    ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return "2.25." + new java.math.BigInteger(1, b.array());
  }

  /** Unsigned longs (UL). */
  public DicomObject longs(int tag, long... values) {
    ByteBuffer b = buffer(4 * values.length);
    for (long v : values) {
      b.putInt((int) v);
    }
    return put(tag, "UL", b.array());
  }

  private static String implementationVersion() {
    String name = "LUMEN " + Version.get();
    return name.substring(0, Math.min(16, name.length()));
  }

  private String value(int tag) {
    byte[] bytes = encoded.get(key(tag));
    if (bytes == null) {
      throw new IllegalStateException("a DICOM object needs its SOP Class and Instance UIDs to be written");
    }
    int header = 8;   // tag, VR and a two-byte length
    return new String(bytes, header, bytes.length - header, StandardCharsets.ISO_8859_1).replace("\0", "").trim();
  }

  private DicomObject put(int tag, String vr, byte[] value) {
    encoded.put(key(tag), element(tag, vr, value));
    return this;
  }

  private static long key(int tag) {
    return Integer.toUnsignedLong(tag);
  }

  private byte[] body() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    encoded.values().forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static byte[] element(int tag, String vr, byte[] value) {
    boolean longLength = LONG_LENGTH.contains(vr);
    if (!longLength && value.length > 0xFFFF) {
      throw new IllegalArgumentException(DicomDictionary.name(tag) + " is too long for VR " + vr);
    }
    ByteBuffer b = buffer((longLength ? 12 : 8) + value.length);
    b.putShort((short) (tag >>> 16)).putShort((short) tag).put(vr.getBytes(StandardCharsets.US_ASCII));
    if (longLength) {
      b.putShort((short) 0).putInt(value.length);
    } else {
      b.putShort((short) value.length);
    }
    return b.put(value).array();
  }

  private static byte[] padded(byte[] value, byte pad) {
    if (value.length % 2 == 0) {
      return value;
    }
    byte[] out = java.util.Arrays.copyOf(value, value.length + 1);
    out[value.length] = pad;
    return out;
  }

  private static ByteBuffer buffer(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** {@code v} in at most 16 characters, as DS requires: plain when it fits, else rounded scientific notation. */
  static String decimal(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String plain = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    if (plain.length() <= 16) {
      return plain;
    }
    for (int digits = 10; digits > 0; digits--) {
      String s = String.format(Locale.ROOT, "%." + digits + "G", v).replace("E+", "E");
      if (s.length() <= 16) {
        return s;
      }
    }
    throw new IllegalArgumentException("no 16-character decimal for " + v);
  }
}
