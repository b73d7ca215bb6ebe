package dev.lumen.app.annotate;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The area of one slice an annotation marks, in the study's pixels: x to the right and y down
 * from the top-left corner of the slice, so pixel (i, j) covers [i, i+1) × [j, j+1). A pixel
 * belongs to a polygon or box when its centre does (even–odd rule), so a box is the polygon of
 * its corners.
 */
public sealed interface Region {
  /** The shape's name as the API writes it: polygon, box or mask. */
  String shape();

  /** The field that gives the region in the API and the store: {@code points}, {@code box} or {@code runs}. */
  Map<String, Object> geometry();

  /**
   * The pixels of a {@code width} × {@code height} slice inside the region, row by row.
   *
   * @throws IllegalArgumentException when the region does not fit the slice
   */
  boolean[] raster(int width, int height);

  /**
   * A closed polygon of at least three vertices {@code [x, y]}, each inside the slice's
   * rectangle [0, width] × [0, height].
   */
  record Polygon(List<double[]> points) implements Region {
    public Polygon {
      if (points == null || points.size() < 3) {
        throw new IllegalArgumentException("a polygon needs at least 3 'points' [x, y]");
      }
      for (double[] p : points) {
        if (p == null || p.length != 2 || !Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
          throw new IllegalArgumentException("each polygon point is [x, y] with finite numbers, got "
              + Arrays.toString(p));
        }
      }
      points = points.stream().map(double[]::clone).toList();
    }

    @Override
    public String shape() {
      return "polygon";
    }

    @Override
    public Map<String, Object> geometry() {
      return Map.of("points", points);
    }

    @Override
    public boolean[] raster(int width, int height) {
      for (double[] p : points) {
        if (p[0] < 0 || p[0] > width || p[1] < 0 || p[1] > height) {
          throw new IllegalArgumentException("polygon point " + Arrays.toString(p) + " lies outside the " + width
              + "x" + height + " slice");
        }
      }
      boolean[] inside = new boolean[width * height];
      int n = points.size();
      // per row, the crossings of the horizontal line through the pixel centres, filled in pairs
      for (int y = 0; y < height; y++) {
        double cy = y + 0.5;
        double[] crossings = new double[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
          double[] a = points.get(i);
          double[] b = points.get((i + 1) % n);
          if ((a[1] <= cy) != (b[1] <= cy)) {
            crossings[count++] = a[0] + (cy - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
          }
        }
        Arrays.sort(crossings, 0, count);
        for (int k = 0; k + 1 < count; k += 2) {
          // centres x + 0.5 in [from, to)
          int first = (int) Math.max(0, Math.ceil(crossings[k] - 0.5));
          int last = (int) Math.min(width - 1, Math.ceil(crossings[k + 1] - 0.5) - 1);
          for (int x = first; x <= last; x++) {
            inside[y * width + x] = true;
          }
        }
      }
      return inside;
    }
  }

  /** The rectangle [x0, x1] × [y0, y1] with x0 < x1 and y0 < y1, inside the slice. */
  record Box(double x0, double y0, double x1, double y1) implements Region {
    public Box {
      if (!(x0 < x1) || !(y0 < y1) || !Double.isFinite(x0 + y0 + x1 + y1)) {
        throw new IllegalArgumentException("a box is [x0, y0, x1, y1] with x0 < x1 and y0 < y1, got ["
            + x0 + ", " + y0 + ", " + x1 + ", " + y1 + "]");
      }
    }

    @Override
    public String shape() {
      return "box";
    }

    @Override
    public Map<String, Object> geometry() {
      return Map.of("box", new double[] {x0, y0, x1, y1});
    }

    @Override
    public boolean[] raster(int width, int height) {
      if (x0 < 0 || y0 < 0 || x1 > width || y1 > height) {
        throw new IllegalArgumentException("box [" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + "] lies outside the "
            + width + "x" + height + " slice");
      }
      return new Polygon(List.of(new double[] {x0, y0}, new double[] {x1, y0}, new double[] {x1, y1},
          new double[] {x0, y1})).raster(width, height);
    }
  }

  /**
   * A painted mask as runs over the slice's pixels in row order: {@code [start, length, start,
   * length, ...]}, starts increasing, runs neither empty nor overlapping nor touching.
   */
  record Mask(int[] runs) implements Region {
    public Mask {
      if (runs == null || runs.length == 0 || runs.length % 2 != 0) {
        throw new IllegalArgumentException("a mask's 'runs' are pairs [start, length, ...], at least one");
      }
      runs = runs.clone();
      long end = -1;
      for (int i = 0; i < runs.length; i += 2) {
        if (runs[i] <= end || runs[i + 1] < 1) {
          throw new IllegalArgumentException("mask run " + (i / 2) + " (start " + runs[i] + ", length " + runs[i + 1]
              + ") is empty or does not start after the previous run ends");
        }
        end = (long) runs[i] + runs[i + 1];
      }
    }

    @Override
    public String shape() {
      return "mask";
    }

    @Override
    public Map<String, Object> geometry() {
      return Map.of("runs", runs.clone());
    }

    @Override
    public boolean[] raster(int width, int height) {
      long last = (long) runs[runs.length - 2] + runs[runs.length - 1];
      if (last > (long) width * height) {
        throw new IllegalArgumentException("mask runs reach pixel " + last + " of a " + width + "x" + height
            + " slice, which has " + (long) width * height);
      }
      boolean[] inside = new boolean[width * height];
      for (int i = 0; i < runs.length; i += 2) {
        Arrays.fill(inside, runs[i], runs[i] + runs[i + 1], true);
      }
      return inside;
    }
  }
}
