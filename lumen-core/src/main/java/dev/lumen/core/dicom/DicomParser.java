package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import dev.lumen.core.io.FileBytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a DICOM file: Part 10 (a 128-byte preamble, {@code DICM}, the file meta information in
 * explicit VR little endian) or a bare data set without them; then the data set in its transfer
 * syntax — implicit VR little endian, explicit VR little or big endian, or deflated explicit VR
 * little endian (raw deflate) — with sequences of defined or undefined length kept as their items'
 * bytes (read on demand by {@link #items}), and encapsulated pixel data split into its items.
 */
public final class DicomParser {
  public static final String IMPLICIT_LITTLE = "1.2.840.10008.1.2";
  public static final String EXPLICIT_LITTLE = "1.2.840.10008.1.2.1";
  public static final String DEFLATED = "1.2.840.10008.1.2.1.99";
  public static final String EXPLICIT_BIG = "1.2.840.10008.1.2.2";
  /** VRs whose explicit form has two reserved bytes and a 4-byte length. */
  private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT");
  private static final int ITEM = 0xFFFE_E000;
  private static final int ITEM_END = 0xFFFE_E00D;
  private static final int SEQUENCE_END = 0xFFFE_E0DD;
  private static final long UNDEFINED = 0xFFFF_FFFFL;

  private final Path file;
  private ByteBuffer in;
  private boolean explicit;

  private DicomParser(Path file) {
    this.file = file;
  }

  /**
   * Reads {@code file}.
   *
   * @throws LumenException naming the file for one that is not DICOM, truncated, malformed, or in
   *     a transfer syntax whose data set Lumen cannot parse
   */
  public static DicomDataset read(Path file) {
    return new DicomParser(file).parse(FileBytes.read(file));
  }

  /** Whether {@code bytes} begin like a DICOM file: a Part 10 preamble and {@code DICM}, or a bare data set. */
  public static boolean looksLikeDicom(byte[] bytes) {
    return isPart10(bytes) || isBare(bytes);
  }

  private static boolean isPart10(byte[] bytes) {
    return bytes.length >= 132 && new String(bytes, 128, 4, StandardCharsets.US_ASCII).equals("DICM");
  }

  /** A data set without preamble starts in group 0008 (identifying attributes), in either byte order. */
  private static boolean isBare(byte[] bytes) {
    return bytes.length >= 8 && ((bytes[0] == 0x08 && bytes[1] == 0) || (bytes[0] == 0 && bytes[1] == 0x08));
  }

  private static boolean explicitVr(byte[] bytes) {
    return Character.isUpperCase(bytes[4]) && Character.isUpperCase(bytes[5]);
  }

  private DicomDataset parse(byte[] bytes) {
    Map<Integer, DicomElement> elements = new HashMap<>();
    int start = 0;
    String syntax;
    if (isPart10(bytes)) {
      in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      in.position(132);
      explicit = true;
      // the file meta information: group 2, explicit VR little endian
      while (in.remaining() >= 8 && Short.toUnsignedInt(in.getShort(in.position())) == 0x0002) {
        readElement(elements, null);
      }
      DicomElement ts = elements.get(DicomDictionary.TRANSFER_SYNTAX);
      if (ts == null) {
        throw new LumenException(file, "has file meta information without a Transfer Syntax UID (0002,0010)");
      }
      syntax = ts.text();
      start = in.position();
    } else if (isBare(bytes)) {
      // no preamble: the encoding is told by the first element, as toolkits do
      boolean little = bytes[0] == 0x08;
      syntax = explicitVr(bytes) ? (little ? EXPLICIT_LITTLE : EXPLICIT_BIG) : IMPLICIT_LITTLE;
    } else {
      throw new LumenException(file, "is not a DICOM file (no 'DICM' after a 128-byte preamble, and no data set "
          + "at its start)");
    }
    byte[] body = bytes;
    switch (syntax) {
      case IMPLICIT_LITTLE -> explicit = false;
      case EXPLICIT_LITTLE, EXPLICIT_BIG -> explicit = true;
      case DEFLATED -> {
        explicit = true;
        body = inflate(bytes, start);
        start = 0;
      }
      default -> explicit = true;   // compressed pixel data: the data set itself is explicit VR little endian
    }
    in = ByteBuffer.wrap(body).order(syntax.equals(EXPLICIT_BIG) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    in.position(start);
    // some writers encode the data set in implicit VR while the meta says explicit: read it as written, as
    // pydicom and dcmtk do
    if (explicit && body.length >= start + 6 && !(Character.isUpperCase(body[start + 4])
        && Character.isUpperCase(body[start + 5]))) {
      explicit = false;
    }
    List<byte[]> encapsulated = null;
    List<List<byte[]>> pixelItems = new ArrayList<>();
    while (in.remaining() > 0) {
      if (in.remaining() < 8) {
        throw truncated("an element header");
      }
      readElement(elements, pixelItems);
    }
    if (!pixelItems.isEmpty()) {
      encapsulated = pixelItems.get(0);
    }
    return new DicomDataset(file, syntax, Map.copyOf(elements), encapsulated);
  }

  private byte[] inflate(byte[] bytes, int start) {
    Inflater inflater = new Inflater(true);
    inflater.setInput(bytes, start, bytes.length - start);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[1 << 16];
    try {
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new LumenException(file, "deflated data set ends before its end of stream");
        }
        out.write(chunk, 0, n);
      }
    } catch (DataFormatException e) {
      throw new LumenException(file, "deflated data set is corrupt: " + e.getMessage());
    } finally {
      inflater.end();
    }
    return out.toByteArray();
  }

  /** Reads one element; keeps it when top level, splits encapsulated pixel data into {@code pixelItems}. */
  private void readElement(Map<Integer, DicomElement> elements, List<List<byte[]>> pixelItems) {
    int at = in.position();
    int tag = (Short.toUnsignedInt(in.getShort()) << 16) | Short.toUnsignedInt(in.getShort());
    String vr;
    long length;
    if (explicit && tag >>> 16 != 0xFFFE) {
      byte[] code = new byte[2];
      in.get(code);
      vr = new String(code, StandardCharsets.US_ASCII);
      if (!Character.isUpperCase(code[0]) || !Character.isUpperCase(code[1])) {
        throw new LumenException(file, "element " + DicomDictionary.name(tag) + " at byte " + at
            + " has no valid VR ('" + vr.replaceAll("[^ -~]", "?") + "') in an explicit VR data set");
      }
      if (LONG_VRS.contains(vr)) {
        need(6, tag);
        in.getShort();
        length = Integer.toUnsignedLong(in.getInt());
      } else {
        need(2, tag);
        length = Short.toUnsignedInt(in.getShort());
      }
    } else {
      need(4, tag);
      vr = DicomDictionary.vr(tag);
      length = Integer.toUnsignedLong(in.getInt());
    }
    if (length == UNDEFINED) {
      if (tag == DicomDictionary.PIXEL_DATA && pixelItems != null) {
        pixelItems.add(items(tag));
        elements.put(tag, new DicomElement(tag, vr, new byte[0], in.order()));
      } else {
        // a UN element of undefined length is a sequence encoded in implicit VR little endian
        boolean was = explicit;
        explicit = explicit && !vr.equals("UN");
        int from = in.position();
        try {
          skipSequence(tag);
        } finally {
          explicit = was;
        }
        if (vr.equals("SQ") && elements != null) {
          // the items, without the sequence delimiter, for {@link #items}
          byte[] value = new byte[in.position() - 8 - from];
          in.get(from, value);
          elements.put(tag, new DicomElement(tag, vr, value, in.order()));
        }
      }
      return;
    }
    if (length > in.remaining()) {
      throw truncated(DicomDictionary.name(tag) + " claims " + length + " bytes");
    }
    byte[] value = new byte[(int) length];
    in.get(value);
    if (elements != null) {
      elements.put(tag, new DicomElement(tag, vr, value, in.order()));
    }
  }

  /**
   * The items of sequence {@code tag} of {@code data} (a top-level SQ element, its items kept as
   * read), each as a data set of its own attributes; none when {@code data} has no such sequence.
   *
   * @throws LumenException naming the file when an item is malformed
   */
  public static List<DicomDataset> items(DicomDataset data, int tag) {
    DicomElement sequence = data.elements().get(tag);
    if (sequence == null || !sequence.vr().equals("SQ")) {
      return List.of();
    }
    DicomParser p = new DicomParser(data.file());
    p.in = ByteBuffer.wrap(sequence.value()).order(sequence.order());
    p.explicit = !data.transferSyntax().equals(IMPLICIT_LITTLE);
    List<DicomDataset> out = new ArrayList<>();
    while (p.in.remaining() > 0) {
      p.need(8, tag);
      int item = (Short.toUnsignedInt(p.in.getShort()) << 16) | Short.toUnsignedInt(p.in.getShort());
      long length = Integer.toUnsignedLong(p.in.getInt());
      if (item != ITEM || (length != UNDEFINED && length > p.in.remaining())) {
        throw new LumenException(data.file(), DicomDictionary.name(tag) + " has a bad item at byte "
            + (p.in.position() - 8) + " of the sequence");
      }
      Map<Integer, DicomElement> elements = new HashMap<>();
      int end = length == UNDEFINED ? Integer.MAX_VALUE : p.in.position() + (int) length;
      while (p.in.position() < end) {
        p.need(8, tag);
        if (length == UNDEFINED && ((Short.toUnsignedInt(p.in.getShort(p.in.position())) << 16)
            | Short.toUnsignedInt(p.in.getShort(p.in.position() + 2))) == ITEM_END) {
          p.in.position(p.in.position() + 8);
          break;
        }
        p.readElement(elements, null);
      }
      out.add(new DicomDataset(data.file(), data.transferSyntax(), Map.copyOf(elements), null));
    }
    return out;
  }

  /** The items of encapsulated pixel data, up to the sequence delimiter. */
  private List<byte[]> items(int tag) {
    List<byte[]> items = new ArrayList<>();
    while (true) {
      need(8, tag);
      int item = (Short.toUnsignedInt(in.getShort()) << 16) | Short.toUnsignedInt(in.getShort());
      long length = Integer.toUnsignedLong(in.getInt());
      if (item == SEQUENCE_END) {
        return items;
      }
      if (item != ITEM || length == UNDEFINED || length > in.remaining()) {
        throw new LumenException(file, "encapsulated pixel data has a bad item at byte " + (in.position() - 8));
      }
      byte[] value = new byte[(int) length];
      in.get(value);
      items.add(value);
    }
  }

  /** Skips a sequence of undefined length: items of defined or undefined length, to its delimiter. */
  private void skipSequence(int tag) {
    while (true) {
      need(8, tag);
      int item = (Short.toUnsignedInt(in.getShort()) << 16) | Short.toUnsignedInt(in.getShort());
      long length = Integer.toUnsignedLong(in.getInt());
      if (item == SEQUENCE_END) {
        return;
      }
      if (item != ITEM) {
        throw new LumenException(file, DicomDictionary.name(tag) + " holds " + DicomDictionary.name(item)
            + " where an item belongs (byte " + (in.position() - 8) + ")");
      }
      if (length == UNDEFINED) {
        skipItem(tag);
      } else if (length > in.remaining()) {
        throw truncated("an item of " + DicomDictionary.name(tag) + " claims " + length + " bytes");
      } else {
        in.position(in.position() + (int) length);
      }
    }
  }

  /** Skips the elements of an item of undefined length, to its delimiter. */
  private void skipItem(int tag) {
    Map<Integer, DicomElement> nested = new HashMap<>();
    while (true) {
      need(8, tag);
      int next = (Short.toUnsignedInt(in.getShort(in.position())) << 16)
          | Short.toUnsignedInt(in.getShort(in.position() + 2));
      if (next == ITEM_END) {
        in.position(in.position() + 8);
        return;
      }
      readElement(nested, null);
    }
  }

  private void need(int bytes, int tag) {
    if (in.remaining() < bytes) {
      throw truncated(DicomDictionary.name(tag));
    }
  }

  private LumenException truncated(String what) {
    return new LumenException(file, "is truncated: the file ends inside " + what + " (byte " + in.position() + " of "
        + in.limit() + ")");
  }
}
