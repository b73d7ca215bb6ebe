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
    Path file = pngClaiming(tmp.resolve("huge.png"), BufferedImage.TYPE_BYTE_GRAY, 60000);
    LumenException e = assertThrows(LumenException.class, () -> Images.read(file));
    assertTrue(e.getMessage().startsWith(file + ": image of 60000x60000 pixels is larger than"), e.getMessage());
  }

  @Test
  void rejectsMissingForeignAndCorruptFiles(@TempDir Path tmp) throws IOException {
    assertEquals(tmp.resolve("none.png") + ": no such file",
        assertThrows(LumenException.class, () -> Images.read(tmp.resolve("none.png"))).getMessage());
    Path text = Files.writeString(tmp.resolve("notes.png"), "not pixels");
    assertTrue(assertThrows(LumenException.class, () -> Images.read(text)).getMessage()
        .startsWith(text + ": not an image"));
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    Path good = tmp.resolve("good.png");
    ImageIO.write(img, "png", good.toFile());
    byte[] bytes = Files.readAllBytes(good);
    Path cut = tmp.resolve("cut.png");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertTrue(assertThrows(LumenException.class, () -> Images.read(cut)).getMessage()
        .startsWith(cut + ": corrupt or truncated image"));
  }

  @Test
  void sixteenBitColourKeepsItsRange(@TempDir Path tmp) throws IOException {
    java.awt.image.ColorModel cm = new java.awt.image.ComponentColorModel(
        java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), false, false,
        java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
    BufferedImage img = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 1), false, null);
    img.getRaster().setPixel(1, 0, new int[] {1000, 30000, 65535});
    Path file = tmp.resolve("rgb16.png");
    ImageIO.write(img, "png", file.toFile());
    Image read = Images.read(file);
    assertEquals(65535f, read.maxValue());
    assertEquals(1000f, read.pixels().get(1));
    assertEquals(30000f, read.pixels().get(3));
    assertEquals(65535f, read.pixels().get(5));
  }

  @Test
  void truncatedJpegIsRefusedNotFilledWithGrey(@TempDir Path tmp) throws IOException {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < 64 * 64; i++) {
      img.setRGB(i % 64, i / 64, (i * 31 % 7) < 3 ? 0x804020 : 0x102040);
    }
    Path whole = tmp.resolve("whole.jpg");
    ImageIO.write(img, "jpeg", whole.toFile());
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(tmp.resolve("cut.jpg"), java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
    LumenException e = assertThrows(LumenException.class, () -> Images.read(cut));
    assertTrue(e.getMessage().startsWith(cut + ": corrupt or truncated image"), e.getMessage());
    assertEquals(3, Images.read(whole).channels());
  }

  @Test
  void cmykJpegIsRefusedRatherThanShownInWrongColours(@TempDir Path tmp) throws IOException {
    java.awt.image.WritableRaster inks = java.awt.image.Raster.createInterleavedRaster(
        java.awt.image.DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    Path file = tmp.resolve("print.jpg");
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (var out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new javax.imageio.IIOImage(inks, null, null), null);
    } finally {
      writer.dispose();
    }
    LumenException e = assertThrows(LumenException.class, () -> Images.read(file));
    assertTrue(e.getMessage().startsWith(file + ": colour space with 4 components (CMYK or YCCK) is not read"),
        e.getMessage());
  }

  @Test
  void imageTooLargeForTheHeapIsRefusedBeforeDecoding(@TempDir Path tmp) throws IOException {
    long perPixel = 28;
    long side = (long) Math.ceil(Math.sqrt((double) Runtime.getRuntime().maxMemory() / perPixel)) + 16;
    org.junit.jupiter.api.Assumptions.assumeTrue(side * side <= Images.MAX_PIXELS, "the heap is larger than the cap");
    Path file = pngClaiming(tmp.resolve("scan.png"), BufferedImage.TYPE_INT_RGB, (int) side);
    LumenException e = assertThrows(LumenException.class, () -> Images.read(file));
    assertTrue(e.getMessage().startsWith(file + ": decoding " + side + "x" + side + " pixels needs about "), e.getMessage());
    assertTrue(e.getMessage().contains("MiB heap"), e.getMessage());
  }

  /** A one-pixel PNG of {@code type} whose header claims {@code side} x {@code side} pixels. */
  private static Path pngClaiming(Path file, int type, int side) throws IOException {
    ImageIO.write(new BufferedImage(1, 1, type), "png", file.toFile());
    byte[] png = Files.readAllBytes(file);
    // The IHDR chunk follows the 8-byte signature: length, "IHDR", width, height, ..., CRC.
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
    b.putInt(16, side).putInt(20, side);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return Files.write(file, png);
  }
}
