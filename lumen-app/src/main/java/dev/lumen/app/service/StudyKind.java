package dev.lumen.app.service;

import dev.lumen.core.dicom.DicomParser;
import dev.lumen.core.io.Nifti;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** What a study's bytes are, by their first bytes rather than their name. */
public final class StudyKind {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
  private static final byte[] NPY = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** A ZIP archive's first local file header. */
  private static final byte[] ZIP = {'P', 'K', 3, 4};

  private StudyKind() {}

  /**
   * {@code image} for PNG, JPEG and DICOM, {@code npy} for NumPy arrays, {@code nifti} for NIfTI
   * volumes (gzipped or not), {@code series} for a ZIP archive (of a DICOM series'
   * files, {@link SeriesArchive}), empty for anything else.
   */
  static Optional<String> of(byte[] bytes) {
    if (startsWith(bytes, ZIP)) {
      return Optional.of("series");
    }
    if (startsWith(bytes, PNG) || startsWith(bytes, JPEG) || DicomParser.looksLikeDicom(bytes)) {
      return Optional.of("image");
    }
    if (startsWith(bytes, NPY)) {
      return Optional.of("npy");
    }
    return Nifti.looksLikeNifti(Arrays.copyOf(bytes, Math.min(bytes.length, 1 << 16))) ? Optional.of("nifti")
        : Optional.empty();
  }

  /** Whether {@code file} holds a NumPy array. */
  public static boolean isNpy(Path file) {
    return extension(file).equals("npy");
  }

  /**
   * The file name extension {@code file}'s content calls for, which Lumen's readers go by:
   * {@code png}, {@code jpg}, {@code npy}, {@code dcm}, {@code nii} or {@code zip} (empty when it is none of them).
   */
  public static String extension(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(1 << 16);
      return startsWith(head, PNG) ? "png" : startsWith(head, JPEG) ? "jpg" : startsWith(head, NPY) ? "npy"
          : DicomParser.looksLikeDicom(head) ? "dcm" : Nifti.looksLikeNifti(head) ? "nii"
          : startsWith(head, ZIP) ? "zip" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean startsWith(byte[] bytes, byte[] magic) {
    return bytes.length >= magic.length && Arrays.equals(Arrays.copyOf(bytes, magic.length), magic);
  }
}
