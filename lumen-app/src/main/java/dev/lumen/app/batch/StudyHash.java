package dev.lumen.app.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** The content hash that keys a study in the results table, whatever its file is called. */
public final class StudyHash {
  private StudyHash() {}

  /**
   * SHA-256 of a file's bytes, or for a folder (a DICOM series) of its files' names relative to
   * it and their bytes, in name order, in hex.
   */
  public static String of(Path study) throws IOException {
    MessageDigest digest = sha256();
    if (Files.isDirectory(study)) {
      List<Path> files;
      try (Stream<Path> tree = Files.walk(study)) {
        files = tree.filter(Files::isRegularFile).sorted().toList();
      }
      for (Path file : files) {
        digest.update(study.relativize(file).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        add(digest, file);
      }
    } else {
      add(digest, study);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void add(MessageDigest digest, Path file) throws IOException {
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
