package dev.lumen.core.quality;

/**
 * The histogram of oriented gradients (Dalal &amp; Triggs, CVPR 2005) of a map, with
 * scikit-image's defaults, which Adebayo et al.'s HOG similarity used: central-difference
 * gradients (zero on the border rows and columns), 9 unsigned orientation bins over
 * [0°, 180°), 8 × 8-pixel cells (the mean magnitude per bin, pixels past the last whole cell
 * unused), blocks of 3 × 3 cells at every cell position where they fit, each normalised by
 * L2-Hys (L2 norm, values clipped at 0.2, L2 norm again, epsilon 1e-5).
 */
final class HogDescriptor {
  private static final int BINS = 9;
  private static final int CELL = 8;
  private static final int BLOCK = 3;
  private static final double EPS = 1e-5;

  private HogDescriptor() {}

  /**
   * The descriptor of a {@code width}-wide map: every block's normalised histograms in a row.
   *
   * @throws IllegalArgumentException for a map smaller than one block (24 × 24)
   */
  static double[] of(float[] map, int width) {
    int height = map.length / width;
    int cellsX = width / CELL;
    int cellsY = height / CELL;
    if (cellsX < BLOCK || cellsY < BLOCK) {
      throw new IllegalArgumentException("HOG needs maps of at least " + CELL * BLOCK + " x " + CELL * BLOCK + ", got "
          + width + "x" + height);
    }
    double[][][] cells = new double[cellsY][cellsX][BINS];
    for (int y = 0; y < cellsY * CELL; y++) {
      for (int x = 0; x < cellsX * CELL; x++) {
        double gy = y == 0 || y == height - 1 ? 0 : (double) map[(y + 1) * width + x] - map[(y - 1) * width + x];
        double gx = x == 0 || x == width - 1 ? 0 : (double) map[y * width + x + 1] - map[y * width + x - 1];
        double angle = Math.toDegrees(Math.atan2(gy, gx));
        angle = ((angle % 180) + 180) % 180;
        int bin = Math.min(BINS - 1, (int) (angle / (180.0 / BINS)));
        cells[y / CELL][x / CELL][bin] += Math.hypot(gx, gy) / (CELL * CELL);
      }
    }
    int blocksX = cellsX - BLOCK + 1;
    int blocksY = cellsY - BLOCK + 1;
    int length = BLOCK * BLOCK * BINS;
    double[] out = new double[blocksY * blocksX * length];
    double[] block = new double[length];
    for (int by = 0; by < blocksY; by++) {
      for (int bx = 0; bx < blocksX; bx++) {
        int i = 0;
        for (int cy = 0; cy < BLOCK; cy++) {
          for (int cx = 0; cx < BLOCK; cx++) {
            for (int b = 0; b < BINS; b++) {
              block[i++] = cells[by + cy][bx + cx][b];
            }
          }
        }
        normalise(block);
        System.arraycopy(block, 0, out, (by * blocksX + bx) * length, length);
      }
    }
    return out;
  }

  /** L2-Hys in place. */
  private static void normalise(double[] block) {
    scale(block);
    for (int i = 0; i < block.length; i++) {
      block[i] = Math.min(block[i], 0.2);
    }
    scale(block);
  }

  private static void scale(double[] block) {
    double sum = 0;
    for (double v : block) {
      sum += v * v;
    }
    double norm = Math.sqrt(sum + EPS * EPS);
    for (int i = 0; i < block.length; i++) {
      block[i] /= norm;
    }
  }
}
