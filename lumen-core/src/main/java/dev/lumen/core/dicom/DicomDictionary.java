package dev.lumen.core.dicom;

import java.util.Map;

/**
 * The attributes Lumen reads, with their value representation (which an implicit VR file does
 * not carry) and their names for messages. Other attributes are kept with VR {@code UN}.
 */
public final class DicomDictionary {
  public static final int TRANSFER_SYNTAX = 0x0002_0010;
  public static final int MODALITY = 0x0008_0060;
  public static final int SOP_INSTANCE_UID = 0x0008_0018;
  public static final int SERIES_INSTANCE_UID = 0x0020_000E;
  public static final int IMAGE_POSITION = 0x0020_0032;
  public static final int IMAGE_ORIENTATION = 0x0020_0037;
  public static final int SAMPLES_PER_PIXEL = 0x0028_0002;
  public static final int PHOTOMETRIC = 0x0028_0004;
  public static final int PLANAR_CONFIGURATION = 0x0028_0006;
  public static final int NUMBER_OF_FRAMES = 0x0028_0008;
  public static final int ROWS = 0x0028_0010;
  public static final int COLUMNS = 0x0028_0011;
  public static final int PIXEL_SPACING = 0x0028_0030;
  public static final int BITS_ALLOCATED = 0x0028_0100;
  public static final int BITS_STORED = 0x0028_0101;
  public static final int HIGH_BIT = 0x0028_0102;
  public static final int PIXEL_REPRESENTATION = 0x0028_0103;
  public static final int WINDOW_CENTER = 0x0028_1050;
  public static final int WINDOW_WIDTH = 0x0028_1051;
  public static final int RESCALE_INTERCEPT = 0x0028_1052;
  public static final int RESCALE_SLOPE = 0x0028_1053;
  public static final int PIXEL_DATA = 0x7FE0_0010;
  public static final int DIRECTORY_RECORD_SEQUENCE = 0x0004_1220;
  public static final int DIRECTORY_RECORD_TYPE = 0x0004_1430;
  public static final int REFERENCED_FILE_ID = 0x0004_1500;

  private static final Map<Integer, String[]> KNOWN = Map.ofEntries(
      Map.entry(TRANSFER_SYNTAX, new String[] {"UI", "Transfer Syntax UID"}),
      Map.entry(MODALITY, new String[] {"CS", "Modality"}),
      Map.entry(SOP_INSTANCE_UID, new String[] {"UI", "SOP Instance UID"}),
      Map.entry(SERIES_INSTANCE_UID, new String[] {"UI", "Series Instance UID"}),
      Map.entry(IMAGE_POSITION, new String[] {"DS", "Image Position (Patient)"}),
      Map.entry(IMAGE_ORIENTATION, new String[] {"DS", "Image Orientation (Patient)"}),
      Map.entry(SAMPLES_PER_PIXEL, new String[] {"US", "Samples per Pixel"}),
      Map.entry(PHOTOMETRIC, new String[] {"CS", "Photometric Interpretation"}),
      Map.entry(PLANAR_CONFIGURATION, new String[] {"US", "Planar Configuration"}),
      Map.entry(NUMBER_OF_FRAMES, new String[] {"IS", "Number of Frames"}),
      Map.entry(ROWS, new String[] {"US", "Rows"}),
      Map.entry(COLUMNS, new String[] {"US", "Columns"}),
      Map.entry(PIXEL_SPACING, new String[] {"DS", "Pixel Spacing"}),
      Map.entry(BITS_ALLOCATED, new String[] {"US", "Bits Allocated"}),
      Map.entry(BITS_STORED, new String[] {"US", "Bits Stored"}),
      Map.entry(HIGH_BIT, new String[] {"US", "High Bit"}),
      Map.entry(PIXEL_REPRESENTATION, new String[] {"US", "Pixel Representation"}),
      Map.entry(WINDOW_CENTER, new String[] {"DS", "Window Center"}),
      Map.entry(WINDOW_WIDTH, new String[] {"DS", "Window Width"}),
      Map.entry(RESCALE_INTERCEPT, new String[] {"DS", "Rescale Intercept"}),
      Map.entry(RESCALE_SLOPE, new String[] {"DS", "Rescale Slope"}),
      Map.entry(PIXEL_DATA, new String[] {"OW", "Pixel Data"}),
      Map.entry(DIRECTORY_RECORD_SEQUENCE, new String[] {"SQ", "Directory Record Sequence"}),
      Map.entry(DIRECTORY_RECORD_TYPE, new String[] {"CS", "Directory Record Type"}),
      Map.entry(REFERENCED_FILE_ID, new String[] {"CS", "Referenced File ID"}));

  private DicomDictionary() {}

  /** The VR of {@code tag} for implicit VR files: the dictionary's, else {@code UN}. */
  public static String vr(int tag) {
    String[] known = KNOWN.get(tag);
    return known == null ? "UN" : known[0];
  }

  /** {@code tag} for messages: its name when known, and always its number, e.g. {@code Rows (0028,0010)}. */
  public static String name(int tag) {
    String[] known = KNOWN.get(tag);
    String number = String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    return known == null ? number : known[1] + " " + number;
  }
}
