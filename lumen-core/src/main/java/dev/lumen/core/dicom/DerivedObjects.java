package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import dev.lumen.core.Version;
import java.awt.image.BufferedImage;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The DICOM objects Lumen derives from a source image or series, placed in the source's study
 * as a new series that references the source instances, so that a PACS files them with the scan
 * and a viewer can draw them over it:
 *
 * <ul>
 *   <li>a Segmentation (PS3.3 A.51): a map's region at or above a threshold as a binary segment,
 *       one frame per source slice, with each frame's source image, position and orientation;
 *   <li>a Multi-frame True Color Secondary Capture (PS3.3 A.8.5): the overlays as a radiologist
 *       sees them, one frame per slice.
 * </ul>
 *
 * Patient and study attributes are copied from the first source; the codes naming what a
 * segment is come from Lumen's private coding scheme {@code 99LUMEN} (PS3.16 8.2: a model's
 * attention is no anatomy or finding that SNOMED codes).
 */
public final class DerivedObjects {
  private static final String SEGMENTATION = "1.2.840.10008.5.1.4.1.1.66.4";
  private static final String MULTIFRAME_TRUE_COLOR_SC = "1.2.840.10008.5.1.4.1.1.7.4";
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");

  /** An attribute copied from the source, with its VR (the source may be implicit VR). */
  private record Copied(int tag, String vr) {}

  /** Patient Name, ID, Birth Date, Sex; Study Instance UID, Date, Time, Referring Physician, ID, Accession Number. */
  private static final List<Copied> PATIENT_AND_STUDY = List.of(new Copied(0x0010_0010, "PN"),
      new Copied(0x0010_0020, "LO"), new Copied(0x0010_0030, "DA"), new Copied(0x0010_0040, "CS"),
      new Copied(0x0020_000D, "UI"), new Copied(0x0008_0020, "DA"), new Copied(0x0008_0030, "TM"),
      new Copied(0x0008_0090, "PN"), new Copied(0x0020_0010, "SH"), new Copied(0x0008_0050, "SH"));

  private DerivedObjects() {}

  /**
   * A Segmentation of {@code masks} (one per source slice, {@code rows * columns} each, true
   * inside the segment) named {@code label}, made by {@code algorithm}.
   */
  public static DicomObject segmentation(List<DicomDataset> sources, List<boolean[]> masks, String label,
      String algorithm, String description) {
    Geometry g = geometry(sources);
    if (masks.size() != sources.size()) {
      throw new IllegalArgumentException(masks.size() + " masks for " + sources.size() + " source slices");
    }
    DicomObject seg = series(sources, SEGMENTATION, "SEG", "Lumen " + algorithm + " regions: " + label);
    String organisation = DicomObject.uid();
    boolean placed = g.frameOfReference() != null;
    if (placed) {
      seg.text(0x0020_0052, "UI", g.frameOfReference())                               // Frame of Reference UID
          .text(0x0020_1040, "LO", sources.get(0).text(0x0020_1040, ""));              // Position Reference Indicator
    }
    seg.text(0x0008_0008, "CS", "DERIVED", "PRIMARY")                                 // Image Type
        .text(0x0070_0080, "CS", "LUMEN_REGIONS")                                      // Content Label
        .text(0x0070_0081, "LO", clip(description, 64))                                // Content Description
        .text(0x0070_0084, "PN", "Lumen^")                                              // Content Creator's Name
        .text(0x0062_0001, "CS", "BINARY")                                             // Segmentation Type
        .shorts(0x0028_0002, 1)                                                        // Samples per Pixel
        .text(0x0028_0004, "CS", "MONOCHROME2")                                        // Photometric Interpretation
        .shorts(0x0028_0010, g.rows()).shorts(0x0028_0011, g.columns())                 // Rows, Columns
        .shorts(0x0028_0100, 1).shorts(0x0028_0101, 1).shorts(0x0028_0102, 0)           // Bits Allocated, Stored, High Bit
        .shorts(0x0028_0103, 0)                                                        // Pixel Representation
        .text(0x0028_2110, "CS", "00")                                                 // Lossy Image Compression
        .text(0x0028_0008, "IS", Integer.toString(masks.size()))                      // Number of Frames
        .sequence(0x0062_0002, new DicomObject()                                       // Segment Sequence
            .shorts(0x0062_0004, 1)                                                    //   Segment Number
            .text(0x0062_0005, "LO", clip(label, 64))                                  //   Segment Label
            .text(0x0062_0008, "CS", "AUTOMATIC")                                      //   Segment Algorithm Type
            .text(0x0062_0009, "LO", clip("Lumen " + algorithm, 64))                   //   Segment Algorithm Name
            .sequence(0x0062_0003, code("EXPLANATION", "Model explanation"))           //   Segmented Property Category
            .sequence(0x0062_000F, code("ATTENDED", "Region the model attends to")))   //   Segmented Property Type
        .sequence(0x0020_9221, new DicomObject().text(0x0020_9164, "UI", organisation)) // Dimension Organization
        .sequence(0x0020_9222, dimensions(organisation, placed))                       // Dimension Index Sequence
        .sequence(0x5200_9229, shared(g))                                              // Shared Functional Groups
        .sequence(0x5200_9230, perFrame(sources, g, placed))                           // Per-frame Functional Groups
        .sequence(0x0008_1115, referencedSeries(sources))                              // Referenced Series
        .bytes(0x7FE0_0010, "OB", packBits(masks, g.rows() * g.columns()));            // Pixel Data
    return seg;
  }

  /** A Multi-frame True Color Secondary Capture of {@code overlays} (one RGB picture per source slice). */
  public static DicomObject secondaryCapture(List<DicomDataset> sources, List<BufferedImage> overlays,
      String description) {
    Geometry g = geometry(sources);
    if (overlays.size() != sources.size()) {
      throw new IllegalArgumentException(overlays.size() + " overlays for " + sources.size() + " source slices");
    }
    byte[] pixels = new byte[overlays.size() * g.rows() * g.columns() * 3];
    int at = 0;
    for (BufferedImage overlay : overlays) {
      if (overlay.getWidth() != g.columns() || overlay.getHeight() != g.rows()) {
        throw new IllegalArgumentException("an overlay of " + overlay.getWidth() + "x" + overlay.getHeight()
            + " for source slices of " + g.columns() + "x" + g.rows());
      }
      for (int y = 0; y < g.rows(); y++) {
        for (int x = 0; x < g.columns(); x++) {
          int rgb = overlay.getRGB(x, y);
          pixels[at++] = (byte) (rgb >> 16);
          pixels[at++] = (byte) (rgb >> 8);
          pixels[at++] = (byte) rgb;
        }
      }
    }
    List<DicomObject> references = new ArrayList<>();
    for (DicomDataset s : sources) {
      references.add(reference(s).sequence(0x0040_A170, new DicomObject()             // Purpose of Reference
          .text(0x0008_0100, "SH", "121322").text(0x0008_0102, "SH", "DCM")
          .text(0x0008_0104, "LO", "Source image for image processing operation")));
    }
    DicomDataset first = sources.get(0);
    DicomObject sc = series(sources, MULTIFRAME_TRUE_COLOR_SC, "OT", "Lumen overlays: " + description);
    sc.text(0x0008_0008, "CS", "DERIVED", "SECONDARY")                                  // Image Type
        .text(0x0008_0064, "CS", "WSD")                                                // Conversion Type
        .text(0x0008_2111, "ST", clip(description, 1024))                              // Derivation Description
        .sequence(0x0008_2112, references)                                             // Source Image Sequence
        .text(0x0028_0301, "CS", "YES")                                                // Burned In Annotation
        .shorts(0x0028_0002, 3)
        .text(0x0028_0004, "CS", "RGB")
        .shorts(0x0028_0006, 0)                                                        // Planar Configuration
        .shorts(0x0028_0010, g.rows()).shorts(0x0028_0011, g.columns())
        .shorts(0x0028_0100, 8).shorts(0x0028_0101, 8).shorts(0x0028_0102, 7)
        .shorts(0x0028_0103, 0)
        .text(0x0028_2110, "CS", "00")
        .text(0x0028_0008, "IS", Integer.toString(overlays.size()))
        .text(0x0020_0060, "CS", first.text(0x0020_0060, ""))                          // Laterality
        .text(0x0020_0020, "CS", first.text(0x0020_0020, "").split("\\\\", -1))        // Patient Orientation
        .bytes(0x7FE0_0010, "OB", pixels);
    if (overlays.size() > 1) {
      sc.tags(0x0028_0009, 0x0018_2001)                                                // Frame Increment Pointer
          .text(0x0018_2001, "IS", pageNumbers(overlays.size()));                      // Page Number Vector
    }
    return sc;
  }

  /** The geometry the source slices share: size, and where they lie when they say so. */
  private record Geometry(int rows, int columns, String frameOfReference, double[] orientation, double[] spacing,
                          String thickness, double between) {}

  private static Geometry geometry(List<DicomDataset> sources) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no source slices");
    }
    DicomDataset first = sources.get(0);
    if (first.number(DicomDictionary.NUMBER_OF_FRAMES, 1) != 1) {
      throw new LumenException(first.file(), "is a multi-frame image; Lumen writes DICOM objects over single-frame "
          + "images and series of them");
    }
    String frame = first.text(0x0020_0052, null);
    double[] orientation = first.numbers(DicomDictionary.IMAGE_ORIENTATION);
    double between = 0;
    if (sources.size() > 1) {
      double[] a = first.numbers(DicomDictionary.IMAGE_POSITION);
      double[] b = sources.get(1).numbers(DicomDictionary.IMAGE_POSITION);
      between = Math.sqrt(Math.pow(b[0] - a[0], 2) + Math.pow(b[1] - a[1], 2) + Math.pow(b[2] - a[2], 2));
    }
    return new Geometry((int) first.number(DicomDictionary.ROWS), (int) first.number(DicomDictionary.COLUMNS),
        frame == null || orientation.length != 6 ? null : frame, orientation,
        first.numbers(DicomDictionary.PIXEL_SPACING), first.text(0x0018_0050, null), between);
  }

  /** The modules every derived object has: patient, study, a new series, equipment, SOP common. */
  private static DicomObject series(List<DicomDataset> sources, String sopClass, String modality, String title) {
    DicomDataset first = sources.get(0);
    LocalDateTime now = LocalDateTime.now();
    DicomObject o = new DicomObject()
        .copy(first, 0x0008_0005, "CS")                                                // Specific Character Set
        .text(0x0008_0016, "UI", sopClass)                                             // SOP Class UID
        .text(0x0008_0018, "UI", DicomObject.uid())                                    // SOP Instance UID
        .text(0x0008_0023, "DA", now.format(DATE)).text(0x0008_0033, "TM", now.format(TIME)) // Content Date, Time
        .text(0x0008_0060, "CS", modality)                                             // Modality
        .text(0x0008_0070, "LO", "Lumen")                                              // Manufacturer
        .text(0x0008_1090, "LO", "Lumen")                                              // Manufacturer's Model Name
        .text(0x0018_1000, "LO", "1")                                                  // Device Serial Number
        .text(0x0018_1020, "LO", clip(Version.get(), 64))                              // Software Versions
        .text(0x0008_103E, "LO", clip(title, 64))                                      // Series Description
        .text(0x0020_000E, "UI", DicomObject.uid())                                    // Series Instance UID
        .text(0x0020_0011, "IS", "9901")                                               // Series Number
        .text(0x0020_0013, "IS", "1");                                                 // Instance Number
    // the patient and the study are the source's: the object is filed with the scan
    for (Copied attribute : PATIENT_AND_STUDY) {
      o.text(attribute.tag(), attribute.vr(), first.text(attribute.tag(), ""));
    }
    if (first.text(0x0020_000D, "").isEmpty()) {
      throw new LumenException(first.file(), "has no Study Instance UID, so a derived object cannot join its study");
    }
    return o;
  }

  private static List<DicomObject> dimensions(String organisation, boolean placed) {
    List<DicomObject> out = new ArrayList<>();
    out.add(new DicomObject().text(0x0020_9164, "UI", organisation)
        .tags(0x0020_9165, 0x0062_000B)                  // Dimension Index Pointer: Referenced Segment Number
        .tags(0x0020_9167, 0x0062_000A)                  // Functional Group Pointer: Segment Identification
        .text(0x0020_9421, "LO", "Segment"));
    if (placed) {
      out.add(new DicomObject().text(0x0020_9164, "UI", organisation)
          .tags(0x0020_9165, 0x0020_0032)                // Image Position (Patient)
          .tags(0x0020_9167, 0x0020_9113)                // Plane Position Sequence
          .text(0x0020_9421, "LO", "Position"));
    }
    return out;
  }

  private static DicomObject shared(Geometry g) {
    DicomObject groups = new DicomObject();
    DicomObject measures = new DicomObject();
    if (g.spacing().length == 2) {
      measures.decimals(0x0028_0030, g.spacing());                                     // Pixel Spacing
    }
    if (g.thickness() != null) {
      measures.text(0x0018_0050, "DS", g.thickness());                                 // Slice Thickness
    }
    if (g.between() > 0) {
      measures.decimals(0x0018_0088, g.between());                                     // Spacing Between Slices
    }
    groups.sequence(0x0028_9110, measures);                                            // Pixel Measures Sequence
    if (g.frameOfReference() != null) {
      groups.sequence(0x0020_9116, new DicomObject().decimals(0x0020_0037, g.orientation())); // Plane Orientation
    }
    return groups;
  }

  private static List<DicomObject> perFrame(List<DicomDataset> sources, Geometry g, boolean placed) {
    List<DicomObject> frames = new ArrayList<>();
    for (int f = 0; f < sources.size(); f++) {
      DicomDataset s = sources.get(f);
      DicomObject frame = new DicomObject()
          .sequence(0x0020_9111, new DicomObject().longs(0x0020_9157, placed ? new long[] {1, f + 1} : new long[] {1}))
          .sequence(0x0008_9124, new DicomObject()                                     // Derivation Image Sequence
              .sequence(0x0008_2112, reference(s).sequence(0x0040_A170, new DicomObject()
                  .text(0x0008_0100, "SH", "121322").text(0x0008_0102, "SH", "DCM")
                  .text(0x0008_0104, "LO", "Source image for image processing operation")))
              .sequence(0x0008_9215, new DicomObject().text(0x0008_0100, "SH", "113076")
                  .text(0x0008_0102, "SH", "DCM").text(0x0008_0104, "LO", "Segmentation")))
          .sequence(0x0062_000A, new DicomObject().shorts(0x0062_000B, 1));               // Segment Identification
      if (placed) {
        frame.sequence(0x0020_9113, new DicomObject().decimals(0x0020_0032,           // Plane Position (Patient)
            s.numbers(DicomDictionary.IMAGE_POSITION)));
      }
      frames.add(frame);
    }
    return frames;
  }

  private static DicomObject reference(DicomDataset source) {
    return new DicomObject().text(0x0008_1150, "UI", source.text(0x0008_0016, ""))   // Referenced SOP Class UID
        .text(0x0008_1155, "UI", source.text(DicomDictionary.SOP_INSTANCE_UID, "")); // Referenced SOP Instance UID
  }

  private static DicomObject referencedSeries(List<DicomDataset> sources) {
    List<DicomObject> instances = sources.stream().map(DerivedObjects::reference).toList();
    return new DicomObject().text(0x0020_000E, "UI", sources.get(0).text(DicomDictionary.SERIES_INSTANCE_UID, ""))
        .sequence(0x0008_114A, instances);                                             // Referenced Instance Sequence
  }

  private static DicomObject code(String value, String meaning) {
    return new DicomObject().text(0x0008_0100, "SH", value).text(0x0008_0102, "SH", "99LUMEN")
        .text(0x0008_0104, "LO", meaning);
  }

  /** The frames' bits, one per pixel, packed little-endian bit order across frames without padding (PS3.5 8.1.1). */
  private static byte[] packBits(List<boolean[]> masks, int perFrame) {
    byte[] out = new byte[(int) (((long) masks.size() * perFrame + 7) / 8)];
    long bit = 0;
    for (boolean[] mask : masks) {
      if (mask.length != perFrame) {
        throw new IllegalArgumentException("a mask of " + mask.length + " pixels for frames of " + perFrame);
      }
      for (boolean inside : mask) {
        if (inside) {
          out[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        }
        bit++;
      }
    }
    return out;
  }

  private static String[] pageNumbers(int frames) {
    String[] numbers = new String[frames];
    for (int i = 0; i < frames; i++) {
      numbers[i] = Integer.toString(i + 1);
    }
    return numbers;
  }

  private static String clip(String text, int length) {
    return text.length() <= length ? text : text.substring(0, length);
  }
}
