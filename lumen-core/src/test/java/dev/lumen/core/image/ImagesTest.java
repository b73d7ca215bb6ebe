package dev.lumen.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lumen.core.LumenException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {

  @Test
  void readsSixteenBitGreyWithItsFullRange(@TempDir Path tmp) throws IOException {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSample(2, 1, 0, 40000);
    Path file = tmp.resolve("xray.png");
    ImageIO.write(img, "png", file.toFile());
    Image read = Images.read(file);
    assertEquals(1, read.channels());
    assertEquals(65535f, read.maxValue());
    assertEquals(40000f, read.pixels().get(5));
  }

  @Test
  void readsColourAsPlanarRgb(@TempDir Path tmp) throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 0, 0x102030);
    Path file = tmp.resolve("c.png");
    ImageIO.write(img, "png", file.toFile());
    Image read = Images.read(file);
    assertEquals(3, read.channels());
    assertEquals(0x10, read.pixels().get(1));
    assertEquals(0x20, read.pixels().get(3));
    assertEquals(0x30, read.pixels().get(5));
  }

  @Test
  void refusesHugeImagesBeforeDecodingThem(@TempDir Path tmp) throws IOException {
    BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
    Path file = tmp.resolve("huge.png");
    ImageIO.write(img, "png", file.toFile());
    byte[] png = Files.readAllBytes(file);
    // The IHDR chunk follows the 8-byte signature: length, "IHDR", width, height, ..., CRC.
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
    b.putInt(16, 60000).putInt(20, 60000);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    Files.write(file, png);
    LumenException e = assertThrows(LumenException.class, () -> Images.read(file));
    assertTrue(e.getMessage().startsWith("huge.png: image of 60000x60000 pixels is larger than"), e.getMessage());
  }

  @Test
  void rejectsMissingForeignAndCorruptFiles(@TempDir Path tmp) throws IOException {
    assertEquals("none.png: no such file",
        assertThrows(LumenException.class, () -> Images.read(tmp.resolve("none.png"))).getMessage());
    Path text = Files.writeString(tmp.resolve("notes.png"), "not pixels");
    assertTrue(assertThrows(LumenException.class, () -> Images.read(text)).getMessage()
        .startsWith("notes.png: not an image"));
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    Path good = tmp.resolve("good.png");
    ImageIO.write(img, "png", good.toFile());
    byte[] bytes = Files.readAllBytes(good);
    Path cut = tmp.resolve("cut.png");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertTrue(assertThrows(LumenException.class, () -> Images.read(cut)).getMessage()
        .startsWith("cut.png: corrupt or truncated image"));
  }
}
