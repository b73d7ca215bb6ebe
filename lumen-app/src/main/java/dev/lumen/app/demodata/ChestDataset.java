package dev.lumen.app.demodata;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes a set of synthetic chest radiographs with their findings' masks: {@code images/NNNN.png}
 * (8-bit grey), {@code masks/NNNN-FINDING.png} (white on the finding), and the labels as
 * {@code train.csv} and {@code valid.csv} in the format {@code lumen evaluate} and
 * {@code lumen train-head} read (image, one 0/1 column per finding, {@code mask:FINDING} columns).
 * Study {@code i} is drawn from seed {@code seed * 1_000_003 + i}, so any study can be redrawn alone.
 */
public final class ChestDataset {
  private ChestDataset() {}

  /**
   * Writes {@code count} studies of {@code size} pixels into {@code dir}, the last
   * {@code validShare} of them as the validation split.
   */
  public static void write(Path dir, int count, long seed, int size, double validShare) throws IOException {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("masks"));
    StringBuilder header = new StringBuilder("image");
    for (String f : ChestPhantom.FINDINGS) {
      header.append(',').append(f);
    }
    for (String f : ChestPhantom.FINDINGS) {
      header.append(",mask:").append(f);
    }
    StringBuilder train = new StringBuilder(header).append('\n');
    StringBuilder valid = new StringBuilder(header).append('\n');
    int firstValid = count - (int) Math.round(count * validShare);
    for (int i = 0; i < count; i++) {
      ChestPhantom study = ChestPhantom.draw(seed * 1_000_003L + i, size);
      String name = String.format(Locale.ROOT, "%04d", i);
      ImageIO.write(grey(study.pixels(), size), "png", dir.resolve("images/" + name + ".png").toFile());
      StringBuilder row = new StringBuilder("images/" + name + ".png");
      for (String f : ChestPhantom.FINDINGS) {
        row.append(',').append(study.has(f) ? 1 : 0);
      }
      for (String f : ChestPhantom.FINDINGS) {
        row.append(',');
        Map<String, boolean[]> masks = study.masks();
        if (masks.containsKey(f)) {
          String mask = "masks/" + name + "-" + f + ".png";
          ImageIO.write(mask(masks.get(f), size), "png", dir.resolve(mask).toFile());
          row.append(mask);
        }
      }
      (i < firstValid ? train : valid).append(row).append('\n');
    }
    Files.writeString(dir.resolve("train.csv"), train);
    Files.writeString(dir.resolve("valid.csv"), valid);
  }

  private static BufferedImage grey(float[] pixels, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < pixels.length; i++) {
      image.getRaster().setSample(i % size, i / size, 0, Math.round(pixels[i] * 255));
    }
    return image;
  }

  private static BufferedImage mask(boolean[] mask, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < mask.length; i++) {
      image.getRaster().setSample(i % size, i / size, 0, mask[i] ? 255 : 0);
    }
    return image;
  }
}
