package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of encapsulated pixel data: one fragment per frame, all fragments for a single
 * frame, or the fragments the basic offset table groups (DICOM PS3.5 A.4).
 */
final class Fragments {
  private Fragments() {}

  /** The compressed bytes of each of {@code frames} frames. */
  static List<byte[]> frames(DicomDataset data, int frames) {
    List<byte[]> items = data.encapsulated();
    if (items == null || items.isEmpty()) {
      throw new LumenException(data.file(), "uses a compressed transfer syntax but its pixel data is not encapsulated");
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

}
