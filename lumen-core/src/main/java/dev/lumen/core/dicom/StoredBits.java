package dev.lumen.core.dicom;

/**
 * How a stored word holds a pixel value: its low {@code stored} bits, two's complement when the
 * Pixel Representation says signed (DICOM PS3.5 8.1.1). The same rule for native words and for
 * the samples a codec gives, whose own idea of signedness (a JPEG 2000 codestream's) may differ.
 */
record StoredBits(long mask, long sign, long wrap, boolean signed) {
  static StoredBits of(int stored, boolean signed) {
    return new StoredBits((1L << stored) - 1, 1L << (stored - 1), 1L << stored, signed);
  }

  float value(long word) {
    long v = word & mask;
    return signed && (v & sign) != 0 ? v - wrap : v;
  }
}
