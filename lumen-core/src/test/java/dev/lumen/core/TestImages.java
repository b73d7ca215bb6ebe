package dev.lumen.core;

import dev.lumen.core.image.Image;
import dev.lumen.core.tensor.Tensor;
import java.util.Random;

/** Random images for tests that need pixels but no particular content. */
public final class TestImages {
  private TestImages() {}

  /** A colour image of uniform random 8-bit values. */
  public static Image noise(int w, int h) {
    Random rng = new Random(3);
    float[] px = new float[3 * w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = rng.nextInt(256);
    }
    return new Image("noise.png", Tensor.of(px, 3, h, w), 255f);
  }

  /** A grey image of uniform random 8-bit values from {@code seed}. */
  public static Image grey(int w, int h, int seed) {
    Random rng = new Random(seed);
    float[] px = new float[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = rng.nextInt(256);
    }
    return Image.gray("slice", px, w, h, 255f);
  }

  /**
   * A black {@code size x size} grey study (range 255) with a {@code side x side} square of
   * {@code value} at (top, left).
   */
  public static Image squareOnBlack(int size, int top, int left, int side, float value) {
    float[] px = new float[size * size];
    for (int y = top; y < top + side; y++) {
      for (int x = left; x < left + side; x++) {
        px[y * size + x] = value;
      }
    }
    return Image.gray("square.png", px, size, size, 255f);
  }
}
