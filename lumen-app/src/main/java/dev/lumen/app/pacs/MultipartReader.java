package dev.lumen.app.pacs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Splits a {@code multipart/related} body (RFC 2046 5.1, as WADO-RS sends instances) into one
 * file per part, streaming: a series of hundreds of slices is never held in memory. Each part's
 * headers are read and its content type must be the one asked for.
 */
final class MultipartReader {
  private static final int MAX_HEADERS = 16 * 1024;

  private MultipartReader() {}

  /**
   * Writes the parts of {@code body} (delimited by {@code boundary}) to the files {@code file}
   * names by part number; returns them.
   *
   * @throws IOException when the body ends inside a part, a part's headers are too long, or a part
   *     is not of {@code contentType}
   */
  static List<Path> split(InputStream body, String boundary, String contentType, IntFunction<Path> file)
      throws IOException {
    byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
    int[] fallback = failure(delimiter);
    Scanner in = new Scanner(body);
    // the body opens with the delimiter without its CRLF: match it as if the CRLF were there
    int matched = 2;
    List<Path> parts = new ArrayList<>();
    OutputStream out = null;
    try {
      while (true) {
        int b = in.next();
        if (b < 0) {
          throw new IOException("the multipart body ends inside " + (parts.isEmpty() ? "its preamble" : "part "
              + parts.size()));
        }
        while (matched > 0 && b != (delimiter[matched] & 0xFF)) {
          if (out != null) {
            out.write(delimiter, 0, matched - fallback[matched - 1]);
          }
          matched = fallback[matched - 1];
        }
        if (b == (delimiter[matched] & 0xFF)) {
          matched++;
        } else if (out != null) {
          out.write(b);
        }
        if (matched < delimiter.length) {
          continue;
        }
        matched = 0;
        if (out != null) {
          out.close();
          out = null;
        }
        int first = in.next();
        int second = in.next();
        if (first == '-' && second == '-') {
          return parts;
        }
        String headers = headers(in, first, second);
        String type = header(headers, "content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(contentType)) {
          throw new IOException("part " + (parts.size() + 1) + " is '" + type + "', not " + contentType);
        }
        Path target = file.apply(parts.size());
        parts.add(target);
        out = new java.io.BufferedOutputStream(Files.newOutputStream(target), 1 << 16);
      }
    } finally {
      if (out != null) {
        out.close();
      }
    }
  }

  /** The headers after a delimiter, up to the blank line; {@code first} and {@code second} are already read. */
  private static String headers(Scanner in, int first, int second) throws IOException {
    StringBuilder text = new StringBuilder();
    text.append((char) first).append((char) second);
    while (text.length() < MAX_HEADERS) {
      if (text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
        return text.toString();
      }
      int b = in.next();
      if (b < 0) {
        throw new IOException("the multipart body ends inside a part's headers");
      }
      text.append((char) b);
    }
    throw new IOException("a part's headers are longer than " + MAX_HEADERS + " bytes");
  }

  /** The value of header {@code name} (lower case) in {@code headers}, or null. */
  private static String header(String headers, String name) {
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** The KMP failure function of {@code pattern}: the longest proper border of each prefix. */
  private static int[] failure(byte[] pattern) {
    int[] f = new int[pattern.length];
    for (int i = 1, k = 0; i < pattern.length; i++) {
      while (k > 0 && pattern[i] != pattern[k]) {
        k = f[k - 1];
      }
      if (pattern[i] == pattern[k]) {
        k++;
      }
      f[i] = k;
    }
    return f;
  }

  /** Bytes of a stream one at a time from a buffer of its own (no lock per byte). */
  private static final class Scanner {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int at;
    private int end;

    Scanner(InputStream in) {
      this.in = in;
    }

    int next() throws IOException {
      if (at == end) {
        end = in.read(buffer);
        at = 0;
        if (end <= 0) {
          end = 0;
          return -1;
        }
      }
      return buffer[at++] & 0xFF;
    }
  }
}
