package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The main header and tile-part layout of a JPEG 2000 frame (ITU-T T.800 Annex A), read before the
 * frame is decoded: the image size and components the decoder must give, and a check that every
 * tile's tile-parts are all there and counted as their headers say. jai-imageio decodes only the
 * number of tile-parts a tile's first header declares, so a stream with more (GDCM has written
 * such files) would silently lose its last quality layers: a lossless frame would come out lossy.
 *
 * @param codestream the codestream itself (a JP2 file's {@code jp2c} box unwrapped)
 * @param width the image width (Xsiz - XOsiz)
 * @param height the image height (Ysiz - YOsiz)
 * @param components the number of components
 * @param precision the bits per sample of the first component
 */
record Jpeg2000Codestream(byte[] codestream, int width, int height, int components, int precision) {
  private static final int SOC = 0xFF4F;
  private static final int SIZ = 0xFF51;
  private static final int SOT = 0xFF90;
  private static final int JP2_CODESTREAM_BOX = 0x6A703263; // 'jp2c'

  /** Reads the header of {@code frame} (frame number {@code index} of {@code file}). */
  static Jpeg2000Codestream read(Path file, int index, byte[] frame) {
    try {
      return parse(unwrapped(frame));
    } catch (RuntimeException e) {
      String why = e instanceof IllegalStateException ? e.getMessage() : "it ends inside a header";
      throw new LumenException(file, "frame " + index + " is not a whole JPEG 2000 codestream: " + why);
    }
  }

  /** The codestream of a JP2 file (DICOM wants the bare codestream; some encoders write the file), or the frame itself. */
  private static byte[] unwrapped(byte[] frame) {
    ByteBuffer in = ByteBuffer.wrap(frame);
    if (frame.length < 8 || (in.getShort(0) & 0xFFFF) == SOC) {
      return frame;
    }
    int at = 0;
    while (at + 8 <= frame.length) {
      long length = Integer.toUnsignedLong(in.getInt(at));
      int type = in.getInt(at + 4);
      int header = 8;
      if (length == 1) {
        length = in.getLong(at + 8);
        header = 16;
      } else if (length == 0) {
        length = frame.length - at;
      }
      if (length < header || at + length > frame.length) {
        throw new IllegalStateException("a JP2 box runs past the end of the frame");
      }
      if (type == JP2_CODESTREAM_BOX) {
        return Arrays.copyOfRange(frame, at + header, (int) (at + length));
      }
      at += (int) length;
    }
    throw new IllegalStateException("it starts with neither a codestream nor a JP2 file holding one");
  }

  private static Jpeg2000Codestream parse(byte[] codestream) {
    ByteBuffer in = ByteBuffer.wrap(codestream);
    if ((in.getShort(0) & 0xFFFF) != SOC || (in.getShort(2) & 0xFFFF) != SIZ) {
      throw new IllegalStateException("it does not start with the SOC and SIZ markers");
    }
    long xsiz = Integer.toUnsignedLong(in.getInt(8));
    long ysiz = Integer.toUnsignedLong(in.getInt(12));
    long xosiz = Integer.toUnsignedLong(in.getInt(16));
    long yosiz = Integer.toUnsignedLong(in.getInt(20));
    long xtsiz = Integer.toUnsignedLong(in.getInt(24));
    long ytsiz = Integer.toUnsignedLong(in.getInt(28));
    long xtosiz = Integer.toUnsignedLong(in.getInt(32));
    long ytosiz = Integer.toUnsignedLong(in.getInt(36));
    int components = in.getShort(40) & 0xFFFF;
    if (xsiz <= xosiz || ysiz <= yosiz || xtsiz == 0 || ytsiz == 0 || xtosiz > xosiz || ytosiz > yosiz
        || components == 0 || xsiz - xosiz > Integer.MAX_VALUE || ysiz - yosiz > Integer.MAX_VALUE) {
      throw new IllegalStateException("its SIZ marker gives an impossible image and tile grid");
    }
    int precision = (in.get(42) & 0x7F) + 1;
    long tiles = Math.multiplyExact(ceilDiv(xsiz - xtosiz, xtsiz), ceilDiv(ysiz - ytosiz, ytsiz));
    if (tiles > 65535) {
      throw new IllegalStateException("its SIZ marker gives " + tiles + " tiles, more than the standard's 65535");
    }
    checkTileParts(in, (int) tiles);
    return new Jpeg2000Codestream(codestream, (int) (xsiz - xosiz), (int) (ysiz - yosiz), components, precision);
  }

  /** Walks the tile-parts (SOT to SOT by their lengths) and checks each tile's are all present, in order. */
  private static void checkTileParts(ByteBuffer in, int tiles) {
    int at = 2;
    while ((in.getShort(at) & 0xFFFF) != SOT) {
      at += 2 + (in.getShort(at + 2) & 0xFFFF);   // main header marker segments
    }
    int[] seen = new int[tiles];
    int[] declared = new int[tiles];
    while (at + 12 <= in.limit() && (in.getShort(at) & 0xFFFF) == SOT) {
      int tile = in.getShort(at + 4) & 0xFFFF;
      long length = Integer.toUnsignedLong(in.getInt(at + 6));
      int part = in.get(at + 10) & 0xFF;
      int parts = in.get(at + 11) & 0xFF;
      if (tile >= tiles || part != seen[tile] || (declared[tile] != 0 && parts != 0 && parts != declared[tile])) {
        throw new IllegalStateException("tile-part " + part + " of tile " + tile + " is out of order");
      }
      if (parts != 0) {
        declared[tile] = parts;
      }
      seen[tile]++;
      if (length == 0) {
        break;   // the last tile-part runs to the end of the codestream
      }
      if (length < 14 || at + length > in.limit()) {
        throw new IllegalStateException("tile-part " + part + " of tile " + tile + " runs past the end");
      }
      at += (int) length;
    }
    for (int tile = 0; tile < tiles; tile++) {
      if (seen[tile] == 0) {
        throw new IllegalStateException("tile " + tile + " of " + tiles + " is missing");
      }
      if (declared[tile] != 0 && seen[tile] != declared[tile]) {
        throw new IllegalStateException("tile " + tile + " has " + seen[tile] + " tile-parts, but its headers say "
            + declared[tile] + " (a decoder would drop or wait for some of its quality layers)");
      }
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
