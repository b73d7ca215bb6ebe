package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
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
    for (byte[] frame : Fragments.frames(data, frames)) {
      out.add(decode(data, frame, pixels, samples, bytesPerSample));
    }
    return out;
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
