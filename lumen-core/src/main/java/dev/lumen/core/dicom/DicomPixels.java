package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import dev.lumen.core.MemoryBudget;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pixel values of a DICOM file, decoded from native (uncompressed), RLE Lossless, JPEG
 * (Baseline, 8-bit Extended, Lossless) or JPEG 2000 pixel data: every frame's samples as stored
 * (bits allocated 1, 8, 16 or 32; bits stored and high bit; signed or unsigned as the Pixel
 * Representation says, whatever a codestream says; either planar configuration; YBR_FULL_422
 * expanded to one Cb and Cr per pixel), and for one-sample images the Modality LUT applied
 * (rescale slope and intercept) — the values pydicom gives with {@code apply_modality_lut}.
 *
 * @param frames the number of frames
 * @param rows rows per frame
 * @param columns columns per frame
 * @param samples samples per pixel (1 or 3)
 * @param photometric the Photometric Interpretation of {@code values} (MONOCHROME1, MONOCHROME2,
 *     RGB, YBR_FULL, ...): YBR_FULL_422 once expanded is YBR_FULL, and a JPEG 2000 frame's
 *     YBR_RCT or YBR_ICT is RGB once its decoder has undone the component transform
 * @param values {@code [frame][row][column][sample]} in that order
 */
public record DicomPixels(int frames, int rows, int columns, int samples, String photometric, float[] values) {
  /** RLE Lossless. */
  public static final String RLE = "1.2.840.10008.1.2.5";
  /** JPEG Extended (processes 2 and 4: 8 or 12 bits, lossy). */
  private static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
  /** The transfer syntaxes whose pixel data Lumen decodes, with their names. */
  public static final Map<String, String> DECODED = decoded();
  /** The compressed syntaxes Lumen decodes, with their codecs. */
  private static final Map<String, CompressedFrames.Codec> CODECS = Map.of(
      "1.2.840.10008.1.2.4.50", CompressedFrames.Codec.JPEG_DCT,
      JPEG_EXTENDED, CompressedFrames.Codec.JPEG_DCT,
      "1.2.840.10008.1.2.4.57", CompressedFrames.Codec.JPEG_LOSSLESS,
      "1.2.840.10008.1.2.4.70", CompressedFrames.Codec.JPEG_LOSSLESS,
      "1.2.840.10008.1.2.4.90", CompressedFrames.Codec.JPEG_2000,
      "1.2.840.10008.1.2.4.91", CompressedFrames.Codec.JPEG_2000);
  private static final Map<String, String> REFUSED = Map.of(
      "1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", "1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless",
      "1.2.840.10008.1.2.4.100", "MPEG2", "1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264",
      "1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless", "1.2.840.10008.1.2.4.203",
      "High-Throughput JPEG 2000");

  private static Map<String, String> decoded() {
    Map<String, String> names = new java.util.LinkedHashMap<>();
    names.put(DicomParser.IMPLICIT_LITTLE, "Implicit VR Little Endian");
    names.put(DicomParser.EXPLICIT_LITTLE, "Explicit VR Little Endian");
    names.put(DicomParser.DEFLATED, "Deflated Explicit VR Little Endian");
    names.put(DicomParser.EXPLICIT_BIG, "Explicit VR Big Endian");
    names.put(RLE, "RLE Lossless");
    names.put("1.2.840.10008.1.2.4.50", "JPEG Baseline");
    names.put(JPEG_EXTENDED, "JPEG Extended (8-bit)");
    names.put("1.2.840.10008.1.2.4.57", "JPEG Lossless");
    names.put("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1");
    names.put("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless");
    names.put("1.2.840.10008.1.2.4.91", "JPEG 2000");
    return java.util.Collections.unmodifiableMap(names);
  }

  /**
   * Decodes the pixel data of {@code data}.
   *
   * @throws LumenException naming the file for a data set without pixel data, a transfer syntax
   *     Lumen does not decode (named), attributes that contradict each other or the data (more
   *     rows, columns or frames than the data holds), or sizes too large for the heap
   */
  public static DicomPixels of(DicomDataset data) {
    if (!data.elements().containsKey(DicomDictionary.PIXEL_DATA)) {
      throw new LumenException(data.file(), "has no Pixel Data (7FE0,0010): it is not an image");
    }
    String syntax = data.transferSyntax();
    if (!DECODED.containsKey(syntax)) {
      throw new LumenException(data.file(), "uses transfer syntax " + REFUSED.getOrDefault(syntax, "'" + syntax + "'")
          + " (" + syntax + "), whose pixel data Lumen does not decode yet; it decodes "
          + String.join(", ", DECODED.values()));
    }
    int rows = (int) data.number(DicomDictionary.ROWS);
    int columns = (int) data.number(DicomDictionary.COLUMNS);
    int samples = (int) data.number(DicomDictionary.SAMPLES_PER_PIXEL, 1);
    int frames = (int) data.number(DicomDictionary.NUMBER_OF_FRAMES, 1);
    int allocated = (int) data.number(DicomDictionary.BITS_ALLOCATED);
    int stored = (int) data.number(DicomDictionary.BITS_STORED, allocated);
    int highBit = (int) data.number(DicomDictionary.HIGH_BIT, stored - 1);
    boolean signed = data.number(DicomDictionary.PIXEL_REPRESENTATION, 0) == 1;
    int planar = (int) data.number(DicomDictionary.PLANAR_CONFIGURATION, 0);
    String photometric = data.text(DicomDictionary.PHOTOMETRIC, samples == 1 ? "MONOCHROME2" : "RGB");
    if (rows < 1 || columns < 1 || frames < 1 || (samples != 1 && samples != 3)) {
      throw new LumenException(data.file(), "claims " + rows + " rows, " + columns + " columns, " + frames
          + " frames and " + samples + " samples per pixel");
    }
    CompressedFrames.Codec codec = CODECS.get(syntax);
    if (codec == CompressedFrames.Codec.JPEG_DCT && (allocated != 8 || stored > 8)) {
      throw new LumenException(data.file(), "is " + DECODED.get(syntax).replace(" (8-bit)", "") + " with Bits "
          + "Allocated " + allocated + " and Bits Stored " + stored + "; Lumen decodes 8-bit DCT JPEG only (no Java "
          + "codec on Maven Central decodes 12-bit)");
    }
    if (codec != null && allocated != 8 && allocated != 16) {
      throw new LumenException(data.file(), "is " + DECODED.get(syntax) + " with Bits Allocated " + allocated
          + "; Lumen decodes compressed frames of 8 and 16 bits");
    }
    if (allocated != 1 && allocated != 8 && allocated != 16 && allocated != 32) {
      throw new LumenException(data.file(), "has Bits Allocated " + allocated + "; Lumen reads 1, 8, 16 and 32");
    }
    if (stored < 1 || stored > allocated || highBit != stored - 1) {
      throw new LumenException(data.file(), "has Bits Stored " + stored + " and High Bit " + highBit + " with Bits "
          + "Allocated " + allocated + "; Lumen reads values stored in the low bits");
    }
    if (photometric.equals("PALETTE COLOR")) {
      throw new LumenException(data.file(), "is PALETTE COLOR, which Lumen does not read yet");
    }
    long count = (long) frames * rows * columns * samples;
    if (count > Integer.MAX_VALUE - 8) {
      throw new LumenException(data.file(), "claims " + count + " samples (" + frames + " frames of " + columns + "x"
          + rows + "x" + samples + "), more than Lumen holds in one array");
    }
    MemoryBudget.require(data.file(), count * 6, "decoding " + frames + " frames of " + columns + "x" + rows);
    StoredBits bits = StoredBits.of(stored, signed);
    if (codec != null) {
      float[] all = new float[(int) count];
      CompressedFrames.decode(data, codec, frames, rows, columns, samples, bits, all);
      return new DicomPixels(frames, rows, columns, samples, decodedPhotometric(photometric),
          samples == 1 ? rescaled(data, all) : all);
    }
    boolean subsampled = photometric.equals("YBR_FULL_422") && samples == 3;
    List<byte[]> framesData = new ArrayList<>();
    if (syntax.equals(RLE)) {
      framesData.addAll(RleDecoder.frames(data, frames, rows * columns, samples, allocated / 8));
    } else {
      framesData.add(data.element(DicomDictionary.PIXEL_DATA).get().value());
    }
    float[] values = new float[(int) count];
    ByteOrder order = syntax.equals(DicomParser.EXPLICIT_BIG) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    if (syntax.equals(RLE)) {
      order = ByteOrder.BIG_ENDIAN;   // RLE segments are most significant byte first
      planar = 1;                     // and one segment per sample
    }
    int perFrame = rows * columns * samples;
    long storedPerFrame = subsampled ? (long) rows * columns * 2 : perFrame;
    for (int f = 0; f < frames; f++) {
      byte[] bytes = framesData.size() == 1 ? framesData.get(0) : framesData.get(f);
      long offset = framesData.size() == 1 ? f * storedPerFrame : 0;
      long needed = allocated == 1 ? (offset + storedPerFrame + 7) / 8 : (offset + storedPerFrame) * (allocated / 8);
      if (bytes.length < needed) {
        throw new LumenException(data.file(), "claims " + frames + " frames of " + columns + "x" + rows + "x" + samples
            + " at " + allocated + " bits, but its pixel data holds " + bytes.length + " bytes");
      }
      float[] raw = samples == 1 ? values : new float[(int) storedPerFrame];
      int at = samples == 1 ? f * perFrame : 0;
      unpack(bytes, order, allocated, bits, offset, (int) storedPerFrame, raw, at);
      if (samples != 1) {
        place(raw, values, f * perFrame, rows * columns, samples, planar, subsampled);
      }
    }
    return new DicomPixels(frames, rows, columns, samples, subsampled ? "YBR_FULL" : photometric,
        samples == 1 ? rescaled(data, values) : values);
  }

  /** One-sample values through the Modality LUT (rescale slope and intercept), in place. */
  private static float[] rescaled(DicomDataset data, float[] values) {
    double slope = data.number(DicomDictionary.RESCALE_SLOPE, 1);
    double intercept = data.number(DicomDictionary.RESCALE_INTERCEPT, 0);
    if (slope != 1 || intercept != 0) {
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (values[i] * slope + intercept);
      }
    }
    return values;
  }

  /**
   * {@code count} stored values from value {@code offset} of {@code bytes} into {@code out} at
   * {@code at}, each {@code allocated}-bit word read through {@code bits}. One loop per word size,
   * since this is where reading a series spends its time.
   */
  private static void unpack(byte[] bytes, ByteOrder order, int allocated, StoredBits bits, long offset, int count,
      float[] out, int at) {
    switch (allocated) {
      case 1 -> {
        for (int i = 0; i < count; i++) {
          long index = offset + i;
          out[at + i] = (bytes[(int) (index / 8)] >> (index % 8)) & 1;
        }
      }
      case 8 -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = bits.value(bytes[(int) offset + i]);
        }
      }
      case 16 -> {
        java.nio.ShortBuffer words = ByteBuffer.wrap(bytes).order(order).asShortBuffer();
        for (int i = 0; i < count; i++) {
          out[at + i] = bits.value(words.get((int) offset + i));
        }
      }
      default -> {
        java.nio.IntBuffer words = ByteBuffer.wrap(bytes).order(order).asIntBuffer();
        for (int i = 0; i < count; i++) {
          out[at + i] = bits.value(words.get((int) offset + i));
        }
      }
    }
  }

  /** The Photometric Interpretation of a compressed frame's decoded samples. */
  private static String decodedPhotometric(String stated) {
    return switch (stated) {
      case "YBR_FULL_422" -> "YBR_FULL";        // the JPEG decoder upsamples the chroma
      case "YBR_RCT", "YBR_ICT" -> "RGB";       // the JPEG 2000 decoder undoes the component transform
      default -> stated;
    };
  }

  /** One colour frame's decoded samples into {@code out} at {@code at}, pixel-interleaved, 4:2:2 chroma repeated. */
  private static void place(float[] raw, float[] out, int at, int pixels, int samples, int planar, boolean subsampled) {
    if (subsampled) {
      // Y1 Y2 Cb Cr per pair of pixels
      for (int p = 0; p < pixels; p++) {
        int pair = p / 2 * 4;
        out[at + 3 * p] = raw[pair + p % 2];
        out[at + 3 * p + 1] = raw[pair + 2];
        out[at + 3 * p + 2] = raw[pair + 3];
      }
      return;
    }
    if (planar == 0) {
      System.arraycopy(raw, 0, out, at, raw.length);
      return;
    }
    for (int p = 0; p < pixels; p++) {
      for (int s = 0; s < samples; s++) {
        out[at + p * samples + s] = raw[s * pixels + p];
      }
    }
  }
}
