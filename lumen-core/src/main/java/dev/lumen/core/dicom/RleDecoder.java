package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * RLE Lossless pixel data (DICOM PS3.5 Annex G): per frame a 64-byte header (the number of
 * segments and their offsets), then one PackBits-coded segment per sample and byte, the most
 * significant byte first. Decoded frames are planar: every sample's pixels, each value's bytes
 * most significant first.
 */
final class RleDecoder {
  private RleDecoder() {}

  /** The decoded bytes of every frame. */
  static List<byte[]> frames(DicomDataset data, int frames, int pixels, int samples, int bytesPerSample) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] frame : framesOf(data, frames)) {
      out.add(decode(data, frame, pixels, samples, bytesPerSample));
    }
    return out;
  }

  /** The compressed bytes of each frame, from the fragments and the basic offset table. */
  private static List<byte[]> framesOf(DicomDataset data, int frames) {
    List<byte[]> items = data.encapsulated();
    if (items == null || items.isEmpty()) {
      throw new LumenException(data.file(), "is RLE Lossless but its pixel data is not encapsulated");
    }
    List<byte[]> fragments = items.subList(1, items.size());
    if (fragments.size() == frames) {
      return fragments;
    }
    if (frames == 1) {
      return List.of(concat(fragments));
    }
    byte[] table = items.get(0);
    if (table.length != 4 * frames) {
      throw new LumenException(data.file(), "has " + frames + " frames in " + fragments.size() + " fragments and no "
          + "offset table to tell them apart");
    }
    // the table's offsets count from the first fragment's item header, 8 bytes per item
    ByteBuffer offsets = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      long from = Integer.toUnsignedLong(offsets.getInt(4 * f));
      long to = f + 1 < frames ? Integer.toUnsignedLong(offsets.getInt(4 * (f + 1))) : Long.MAX_VALUE;
      List<byte[]> parts = new ArrayList<>();
      long position = 0;
      for (byte[] fragment : fragments) {
        if (position >= from && position < to) {
          parts.add(fragment);
        }
        position += 8 + fragment.length;
      }
      out.add(concat(parts));
    }
    return out;
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static byte[] decode(DicomDataset data, byte[] frame, int pixels, int samples, int bytesPerSample) {
    if (frame.length < 64) {
      throw new LumenException(data.file(), "has an RLE frame of " + frame.length + " bytes, shorter than its header");
    }
    ByteBuffer header = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    int segments = header.getInt(0);
    if (segments != samples * bytesPerSample) {
      throw new LumenException(data.file(), "has " + segments + " RLE segments per frame where " + samples
          + " samples of " + bytesPerSample + " bytes need " + samples * bytesPerSample);
    }
    byte[] out = new byte[pixels * samples * bytesPerSample];
    for (int k = 0; k < segments; k++) {
      long start = Integer.toUnsignedLong(header.getInt(4 + 4 * k));
      long end = k + 1 < segments ? Integer.toUnsignedLong(header.getInt(8 + 4 * k)) : frame.length;
      if (start < 64 || end > frame.length || start > end) {
        throw new LumenException(data.file(), "has RLE segment " + k + " at bytes " + start + " to " + end
            + " of a frame of " + frame.length);
      }
      int sample = k / bytesPerSample;
      int byteOfValue = k % bytesPerSample;
      int written = 0;
      int i = (int) start;
      while (written < pixels && i < end) {
        int n = frame[i++];
        if (n >= 0) {
          for (int c = 0; c <= n && written < pixels && i < end; c++) {
            out[((sample * pixels) + written++) * bytesPerSample + byteOfValue] = frame[i++];
          }
        } else if (n != -128 && i < end) {
          byte repeated = frame[i++];
          for (int c = 0; c < 1 - n && written < pixels; c++) {
            out[((sample * pixels) + written++) * bytesPerSample + byteOfValue] = repeated;
          }
        }
      }
      if (written < pixels) {
        throw new LumenException(data.file(), "has RLE segment " + k + " that decodes to " + written + " of "
            + pixels + " pixels");
      }
    }
    return out;
  }
}
