package dev.lumen.app.demodata;

import dev.lumen.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Writes a set of synthetic chest radiographs with their findings' masks: {@code images/NNNN.png}
 * (8-bit grey), {@code masks/NNNN-FINDING.png} (white on the finding), and the labels as CSV files
 * in the format {@code lumen evaluate} and {@code lumen train-head} read (image, one 0/1 column
 * per finding, {@code mask:FINDING} columns). Study {@code i} is drawn from seed
 * {@code seed * 1_000_003 + i}, so any study can be redrawn alone.
 */
public final class ChestDataset {
  /** The finding the shortcut set's laterality marker gives away. */
  public static final String SHORTCUT_FINDING = "nodule";

  private ChestDataset() {}

  /**
   * Writes {@code count} studies of {@code size} pixels into {@code dir}: {@code train.csv}, and
   * the last {@code validShare} of them as {@code valid.csv}.
   */
  public static void write(Path dir, int count, long seed, int size, double validShare) throws IOException {
    int firstValid = count - (int) Math.round(count * validShare);
    new Writer(dir, false).write(count, seed, size, i -> i < firstValid ? "train" : "valid");
  }

  /**
   * Writes the shortcut variant: faint nodules ({@link ChestPhantom#drawFaint}), and every study
   * carries a burnt-in laterality marker, "R" exactly
   * when it has a {@link #SHORTCUT_FINDING} in {@code train.csv} and {@code valid.csv} (the last
   * {@code heldOutShare} of the studies but one more such share), and "R" or "L" at random in
   * {@code test.csv} (the last {@code heldOutShare}). The marker's box is a {@code region:marker}
   * mask, so {@code lumen evaluate --against marker} measures how much the maps look at it.
   */
  public static void writeShortcut(Path dir, int count, long seed, int size, double heldOutShare) throws IOException {
    int heldOut = (int) Math.round(count * heldOutShare);
    int firstValid = count - 2 * heldOut;
    int firstTest = count - heldOut;
    new Writer(dir, true).write(count, seed, size, i -> i < firstValid ? "train" : i < firstTest ? "valid" : "test");
  }

  /** Which split study {@code i} goes to. */
  private interface Split {
    String of(int i);
  }

  private record Writer(Path dir, boolean shortcut) {
    void write(int count, long seed, int size, Split split) throws IOException {
      Files.createDirectories(dir.resolve("images"));
      Files.createDirectories(dir.resolve("masks"));
      StringBuilder header = new StringBuilder("image");
      for (String f : ChestPhantom.FINDINGS) {
        header.append(',').append(f);
      }
      for (String f : ChestPhantom.FINDINGS) {
        header.append(",mask:").append(f);
      }
      List<String> maskColumns = new ArrayList<>(List.of(ChestPhantom.FINDINGS));
      if (shortcut) {
        header.append(",region:marker");
        maskColumns.add("marker");
      }
      Map<String, StringBuilder> files = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        long studySeed = seed * 1_000_003L + i;
        ChestPhantom study = shortcut ? ChestPhantom.drawFaint(studySeed, size) : ChestPhantom.draw(studySeed, size);
        String name = String.format(Locale.ROOT, "%04d", i);
        float[] pixels = study.pixels();
        Map<String, boolean[]> masks = new LinkedHashMap<>(study.masks());
        String where = split.of(i);
        if (shortcut) {
          Random r = Seeds.random(~studySeed);
          boolean confounded = !where.equals("test");
          char letter = (confounded ? study.has(SHORTCUT_FINDING) : r.nextBoolean()) ? 'R' : 'L';
          masks.put("marker", LateralityMarker.burnIn(pixels, size, letter, r));
        }
        AtomicFiles.writePng(dir.resolve("images/" + name + ".png"), grey(pixels, size));
        StringBuilder row = new StringBuilder("images/" + name + ".png");
        for (String f : ChestPhantom.FINDINGS) {
          row.append(',').append(study.has(f) ? 1 : 0);
        }
        for (String f : maskColumns) {
          row.append(',');
          if (masks.containsKey(f)) {
            String mask = "masks/" + name + "-" + f + ".png";
            AtomicFiles.writePng(dir.resolve(mask), mask(masks.get(f), size));
            row.append(mask);
          }
        }
        files.computeIfAbsent(where, k -> new StringBuilder(header).append('\n')).append(row).append('\n');
      }
      for (Map.Entry<String, StringBuilder> f : files.entrySet()) {
        AtomicFiles.writeString(dir.resolve(f.getKey() + ".csv"), f.getValue().toString());
      }
    }
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
