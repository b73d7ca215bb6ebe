package dev.lumen.app.demodata;

import java.util.Map;
import java.util.Random;

/**
 * A burnt-in laterality marker: the lead letter ("L" or "R") a radiographer lays on the cassette,
 * which shows as a saturated white glyph near one of the top corners. Glyphs come from a fixed 5 x 7 pixel
 * font rather than a system font, so the same seed draws the same pixels on every machine.
 */
public final class LateralityMarker {
  private static final Map<Character, String[]> GLYPHS = Map.of(
      'L', new String[] {"#....", "#....", "#....", "#....", "#....", "#....", "#####"},
      'R', new String[] {"####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"});

  private LateralityMarker() {}

  /**
   * Burns {@code letter} into the {@code size x size} study {@code pixels} (grey values in [0, 1])
   * near the top-left or top-right corner, at a corner, position and stroke size drawn from
   * {@code random}.
   *
   * @return the marker's mask: its bounding box, with a one-stroke margin
   */
  public static boolean[] burnIn(float[] pixels, int size, char letter, Random random) {
    String[] glyph = GLYPHS.get(letter);
    if (glyph == null) {
      throw new IllegalArgumentException("no laterality marker glyph for '" + letter + "'; use L or R");
    }
    int stroke = Math.max(1, (int) Math.round(size * (0.011 + 0.003 * random.nextDouble())));
    int inset = (int) Math.round(size * (0.04 + 0.08 * random.nextDouble()));
    int left = random.nextBoolean() ? inset : size - inset - glyph[0].length() * stroke;
    int top = (int) Math.round(size * (0.03 + 0.09 * random.nextDouble()));
    boolean[] mask = new boolean[size * size];
    for (int gy = 0; gy < glyph.length; gy++) {
      for (int gx = 0; gx < glyph[gy].length(); gx++) {
        if (glyph[gy].charAt(gx) != '#') {
          continue;
        }
        for (int y = top + gy * stroke; y < top + (gy + 1) * stroke; y++) {
          for (int x = left + gx * stroke; x < left + (gx + 1) * stroke; x++) {
            pixels[y * size + x] = 1f;
          }
        }
      }
    }
    for (int y = top - stroke; y < top + (glyph.length + 1) * stroke; y++) {
      for (int x = left - stroke; x < left + (glyph[0].length() + 1) * stroke; x++) {
        mask[y * size + x] = true;
      }
    }
    return mask;
  }
}
