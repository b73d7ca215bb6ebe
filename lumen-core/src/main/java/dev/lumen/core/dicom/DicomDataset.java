package dev.lumen.core.dicom;

import dev.lumen.core.LumenException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The top-level attributes of one DICOM file (sequences are skipped over, not kept), its
 * transfer syntax, and for encapsulated pixel data the items of the pixel data: the basic offset
 * table first, then the fragments.
 *
 * @param file where it was read from, for messages
 * @param transferSyntax the transfer syntax UID the data set is encoded in
 * @param elements the attributes by tag
 * @param encapsulated the pixel data's items when it is encapsulated (compressed), else null
 */
public record DicomDataset(Path file, String transferSyntax, Map<Integer, DicomElement> elements,
                           List<byte[]> encapsulated) {
  /** The same attributes without the pixel data: what objects derived from the file refer to, in far less memory. */
  public DicomDataset withoutPixelData() {
    Map<Integer, DicomElement> rest = new java.util.LinkedHashMap<>(elements);
    rest.remove(DicomDictionary.PIXEL_DATA);
    return new DicomDataset(file, transferSyntax, java.util.Collections.unmodifiableMap(rest), null);
  }

  /** The attribute {@code tag}, when present. */
  public Optional<DicomElement> element(int tag) {
    return Optional.ofNullable(elements.get(tag));
  }

  /** The attribute's text, or {@code fallback} when absent. */
  public String text(int tag, String fallback) {
    return element(tag).map(DicomElement::text).orElse(fallback);
  }

  /**
   * The attribute's first number.
   *
   * @throws LumenException naming the file and the attribute when it is absent, empty or not a number
   */
  public double number(int tag) {
    return numberOr(tag, Double.NaN, true);
  }

  /**
   * All of the attribute's numbers (none when it is absent).
   *
   * @throws LumenException naming the file and the attribute when they are not numbers
   */
  public double[] numbers(int tag) {
    DicomElement e = elements.get(tag);
    try {
      return e == null ? new double[0] : e.numbers();
    } catch (IllegalArgumentException ex) {
      throw new LumenException(file, DicomDictionary.name(tag) + " is not numbers: '" + e.text() + "'");
    }
  }

  /** The attribute's first number, or {@code fallback} when it is absent or empty. */
  public double number(int tag, double fallback) {
    return numberOr(tag, fallback, false);
  }

  private double numberOr(int tag, double fallback, boolean required) {
    DicomElement e = elements.get(tag);
    if (e == null || e.value().length == 0) {
      if (required) {
        throw new LumenException(file, "has no " + DicomDictionary.name(tag));
      }
      return fallback;
    }
    try {
      double[] values = e.numbers();
      if (values.length == 0) {
        if (required) {
          throw new LumenException(file, "has an empty " + DicomDictionary.name(tag));
        }
        return fallback;
      }
      return values[0];
    } catch (IllegalArgumentException ex) {
      throw new LumenException(file, DicomDictionary.name(tag) + " is not a number: '" + e.text() + "'");
    }
  }
}
