package dev.lumen.app.demodata;

import java.util.Random;
import java.util.SplittableRandom;

/** Random sources for the generators, one per seed. */
final class Seeds {
  private Seeds() {}

  /**
   * A generator for {@code seed} whose draws are unrelated to those of {@code seed + 1}:
   * java.util.Random's first draws barely differ between consecutive seeds, and the data sets
   * number their studies with consecutive seeds, so the seed is mixed first.
   */
  static Random random(long seed) {
    return new Random(new SplittableRandom(seed).nextLong());
  }
}
