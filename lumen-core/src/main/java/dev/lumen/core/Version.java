package dev.lumen.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Lumen's version, as the build wrote it. */
public final class Version {
  private Version() {}

  /** The version string, for example {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    try (InputStream in = Version.class.getResourceAsStream("lumen.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
