package dev.lumen.app.pacs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The multipart splitter on bodies whose parts hold near-copies of the delimiter, against the parts put in. */
class MultipartReaderTest {
  private static final String BOUNDARY = "b0und";

  private static byte[] body(List<byte[]> parts, String preamble) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(preamble.getBytes(StandardCharsets.US_ASCII));
    for (byte[] part : parts) {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\nContent-Length: " + part.length
          + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(part);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void partsComeOutAsTheyWentIn(@TempDir Path tmp) throws IOException {
    Random random = new Random(5);
    String[] near = {"\r\n--b0un", "\r\n\r\n--b0", "\r\r\n--b0unx", "--b0und", "\r\n-", "\r\n--b0unD"};
    for (int trial = 0; trial < 50; trial++) {
      List<byte[]> parts = new ArrayList<>();
      for (int p = 0; p < 1 + random.nextInt(4); p++) {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        for (int k = 0; k < random.nextInt(200); k++) {
          if (random.nextInt(5) == 0) {
            part.writeBytes(near[random.nextInt(near.length)].getBytes(StandardCharsets.US_ASCII));
          } else {
            part.write(random.nextInt(256));
          }
        }
        parts.add(part.toByteArray());
      }
      Path dir = Files.createDirectories(tmp.resolve("t" + trial));
      List<Path> files = MultipartReader.split(new ByteArrayInputStream(body(parts, trial % 2 == 0 ? "" : "preamble\r\n")),
          BOUNDARY, "application/dicom", n -> dir.resolve(n + ".dcm"));
      assertEquals(parts.size(), files.size());
      for (int p = 0; p < parts.size(); p++) {
        assertArrayEquals(parts.get(p), Files.readAllBytes(files.get(p)), "trial " + trial + " part " + p);
      }
    }
  }

  @Test
  void aCutBodyOrAnotherTypeIsRefused(@TempDir Path tmp) {
    byte[] whole = body(List.of(new byte[100]), "");
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 12);
    IOException e = assertThrows(IOException.class, () -> MultipartReader.split(new ByteArrayInputStream(cut),
        BOUNDARY, "application/dicom", n -> tmp.resolve(n + ".dcm")));
    assertTrue(e.getMessage().contains("ends inside part 1"), e.getMessage());
    IOException type = assertThrows(IOException.class, () -> MultipartReader.split(new ByteArrayInputStream(whole),
        BOUNDARY, "application/json", n -> tmp.resolve(n + ".x")));
    assertTrue(type.getMessage().contains("not application/json"), type.getMessage());
  }
}
