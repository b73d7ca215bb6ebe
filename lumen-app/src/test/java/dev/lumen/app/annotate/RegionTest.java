package dev.lumen.app.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Rasterised regions against their definition: a pixel is inside when its centre is (even–odd rule). */
class RegionTest {
  /** The definition, by a ray cast from each pixel centre to the right. */
  private static boolean[] byDefinition(List<double[]> polygon, int width, int height) {
    boolean[] out = new boolean[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double cx = x + 0.5;
        double cy = y + 0.5;
        boolean inside = false;
        for (int i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
          double[] a = polygon.get(i);
          double[] b = polygon.get(j);
          if ((a[1] > cy) != (b[1] > cy) && cx < (b[0] - a[0]) * (cy - a[1]) / (b[1] - a[1]) + a[0]) {
            inside = !inside;
          }
        }
        out[y * width + x] = inside;
      }
    }
    return out;
  }

  private static int count(boolean[] mask) {
    int n = 0;
    for (boolean b : mask) {
      n += b ? 1 : 0;
    }
    return n;
  }

  @Test
  void aBoxHoldsThePixelsWhoseCentresItCovers() {
    boolean[] box = new Region.Box(2, 3, 5, 7).raster(10, 10);
    assertEquals(3 * 4, count(box));
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 10; x++) {
        assertEquals(x >= 2 && x < 5 && y >= 3 && y < 7, box[y * 10 + x], x + "," + y);
      }
    }
    // an edge past a centre drops that column
    assertEquals(2 * 4, count(new Region.Box(2.6, 3, 5, 7).raster(10, 10)));
    assertEquals(100, count(new Region.Box(0, 0, 10, 10).raster(10, 10)));
  }

  @Test
  void aTriangleAndRandomStarsMatchTheDefinition() {
    List<double[]> triangle = List.of(new double[] {0, 0}, new double[] {10, 0}, new double[] {0, 10});
    // centres with x + y + 1 < 10
    assertEquals(45, count(new Region.Polygon(triangle).raster(10, 10)));
    Random random = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      List<double[]> star = new ArrayList<>();
      int points = 3 + random.nextInt(12);
      for (int i = 0; i < points; i++) {
        double angle = 2 * Math.PI * i / points;
        double r = 3 + random.nextDouble() * 17;
        star.add(new double[] {20 + r * Math.cos(angle), 21 + r * Math.sin(angle)});
      }
      assertArrayEquals(byDefinition(star, 41, 43), new Region.Polygon(star).raster(41, 43), "star " + trial);
    }
  }

  @Test
  void aLargePolygonCoversItsAreaInPixels() {
    List<double[]> hexagon = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      hexagon.add(new double[] {100 + 80 * Math.cos(Math.PI * i / 3), 100 + 80 * Math.sin(Math.PI * i / 3)});
    }
    double area = 3 * Math.sqrt(3) / 2 * 80 * 80;
    int pixels = count(new Region.Polygon(hexagon).raster(200, 200));
    assertTrue(Math.abs(pixels - area) / area < 0.01, pixels + " pixels for an area of " + area);
  }

  @Test
  void maskRunsFillTheirPixels() {
    boolean[] mask = new Region.Mask(new int[] {3, 2, 10, 4}).raster(5, 4);
    boolean[] expected = new boolean[20];
    for (int i : new int[] {3, 4, 10, 11, 12, 13}) {
      expected[i] = true;
    }
    assertArrayEquals(expected, mask);
  }

  @Test
  void regionsThatDoNotFitTheirSliceAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Region.Box(0, 0, 11, 5).raster(10, 10));
    assertThrows(IllegalArgumentException.class, () -> new Region.Box(5, 0, 5, 5));
    assertThrows(IllegalArgumentException.class, () -> new Region.Polygon(List.of(new double[] {0, 0},
        new double[] {1, 1})));
    assertThrows(IllegalArgumentException.class, () -> new Region.Polygon(List.of(new double[] {0, 0},
        new double[] {4, 0}, new double[] {0, -1})).raster(10, 10));
    assertThrows(IllegalArgumentException.class, () -> new Region.Polygon(List.of(new double[] {0, 0},
        new double[] {4, Double.NaN}, new double[] {0, 1})));
    assertThrows(IllegalArgumentException.class, () -> new Region.Mask(new int[] {3, 2, 4, 1}), "overlapping");
    assertThrows(IllegalArgumentException.class, () -> new Region.Mask(new int[] {3, 0}), "empty");
    assertThrows(IllegalArgumentException.class, () -> new Region.Mask(new int[] {18, 3}).raster(5, 4));
  }
}
