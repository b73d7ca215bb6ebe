package dev.lumen.core.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class BilinearTest {

  /** The numbers of torch.nn.functional.interpolate(x, size=4, mode="bilinear", align_corners=False). */
  @Test
  void upsamplingMatchesHalfPixelCentres() {
    float[] up = Bilinear.resize(new float[] {0, 1, 2, 3}, 2, 2, 4, 4);
    assertArrayEquals(new float[] {
        0f, 0.25f, 0.75f, 1f,
        0.5f, 0.75f, 1.25f, 1.5f,
        1.5f, 1.75f, 2.25f, 2.5f,
        2f, 2.25f, 2.75f, 3f}, up, 1e-6f);
  }

  @Test
  void halvingAveragesPairs() {
    float[] down = Bilinear.resize(new float[] {0, 2, 4, 6}, 4, 1, 2, 1);
    assertArrayEquals(new float[] {1, 5}, down, 1e-6f);
  }
}
